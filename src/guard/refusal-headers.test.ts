import { describe, expect, it } from 'vitest';
import { WardenError } from '../errors/index.js';
import { createLimiter } from './limiter.js';
import { refusalHeaders } from './refusal-headers.js';

const META = 'https://warden.test/.well-known/oauth-protected-resource';

describe('refusalHeaders', () => {
  it('challenges 401s with the resource metadata, flagging bad tokens', () => {
    expect(refusalHeaders(new WardenError('AUTH_REQUIRED'), META)).toEqual({
      'WWW-Authenticate': `Bearer resource_metadata="${META}"`,
    });
    for (const code of ['AUTH_INVALID', 'AUTH_EXPIRED', 'AUTH_REVOKED'] as const) {
      expect(refusalHeaders(new WardenError(code), META)).toEqual({
        'WWW-Authenticate': `Bearer error="invalid_token", resource_metadata="${META}"`,
      });
    }
  });

  it('turns a limiter refusal into Retry-After and RateLimit headers', () => {
    const limiter = createLimiter({ limits: { principal: { max: 1, windowMs: 10_000 } }, now: () => 0 });
    limiter.acquire('p', 't');
    let error: unknown;
    try {
      limiter.acquire('p', 't');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WardenError);
    expect(refusalHeaders(error as WardenError, META)).toEqual({
      'Retry-After': '10',
      'RateLimit-Policy': '"principal";q=1;w=10',
      RateLimit: '"principal";r=0;t=10',
    });
  });

  it('falls back safely when details are missing or malformed, and adds nothing for other errors', () => {
    expect(refusalHeaders(new WardenError('RATE_LIMITED'), META)).toEqual({ 'Retry-After': '1' });
    expect(
      refusalHeaders(
        new WardenError('RATE_LIMITED', undefined, { details: { scope: 'x', limit: 'ten' } }),
        META,
      ),
    ).toEqual({ 'Retry-After': '1' });
    expect(refusalHeaders(new WardenError('IP_DENIED'), META)).toEqual({});
    expect(refusalHeaders(new WardenError('CREDENTIAL_IN_URL'), META)).toEqual({});
  });
});
