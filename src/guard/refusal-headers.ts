import { WardenError } from '../errors/index.js';
import type { RateLimitDetails } from './limiter.js';
import { rateLimitHeaders } from './rate-limit-headers.js';
import { wwwAuthenticate } from './resource-metadata.js';

function rateLimitDetails(details: Record<string, unknown> | undefined): RateLimitDetails | undefined {
  if (!details) return undefined;
  const { scope, retryAfterMs, limit, remaining, resetMs, windowMs } = details;
  if (typeof scope !== 'string') return undefined;
  const numbers = [retryAfterMs, limit, remaining, resetMs, windowMs];
  if (!numbers.every((n): n is number => typeof n === 'number' && Number.isFinite(n))) return undefined;
  const [r, l, rem, reset, w] = numbers as [number, number, number, number, number];
  return { scope, retryAfterMs: r, limit: l, remaining: rem, resetMs: reset, windowMs: w };
}

/**
 * The HTTP headers that go with a guard refusal: a Bearer challenge pointing at the protected-resource metadata
 * for 401s, and `Retry-After` / `RateLimit-Policy` / `RateLimit` for 429s. Other errors get none.
 */
export function refusalHeaders(
  error: WardenError,
  resourceMetadataUrl: string | undefined,
): Record<string, string> {
  switch (error.code) {
    case 'AUTH_REQUIRED':
      return { 'WWW-Authenticate': wwwAuthenticate(resourceMetadataUrl) };
    case 'AUTH_INVALID':
    case 'AUTH_EXPIRED':
    case 'AUTH_REVOKED':
      return { 'WWW-Authenticate': wwwAuthenticate(resourceMetadataUrl, 'invalid_token') };
    case 'RATE_LIMITED':
    case 'CONCURRENCY_LIMITED': {
      const details = rateLimitDetails(error.details);
      return details ? { ...rateLimitHeaders(details) } : { 'Retry-After': '1' };
    }
    default:
      return {};
  }
}
