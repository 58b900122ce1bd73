import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { AuthConfig } from '../config/access.js';
import { WardenError } from '../errors/index.js';
import { MAX_PRINCIPAL_CHARS } from './principal-limits.js';
import type { Principal } from '../policy/principal.js';

/** JWT settings of the auth config. */
export type JwtConfig = NonNullable<AuthConfig['jwt']>;

/** Verified tokens remembered until they expire, to keep the hot path off the signature check. */
export const JWT_CACHE_ENTRIES = 1024;
/** Longest a JWKS fetch may take. */
export const JWKS_TIMEOUT_MS = 5000;
/** Least time between two JWKS refetches caused by unknown key ids. */
export const JWKS_COOLDOWN_MS = 30_000;
/** Longest token accepted. */
export const MAX_TOKEN_CHARS = 16 * 1024;

interface CachedToken {
  principal: Principal;
  expiresAtMs: number;
}

/** Verifies a bearer token and returns its principal. */
export type JwtVerifier = (token: string) => Principal | Promise<Principal>;

function stringList(value: unknown, claim: string): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return value.split(' ').filter((s) => s !== '');
  if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) return value;
  throw new WardenError('AUTH_INVALID', `token claim ${claim} is malformed`);
}

function principalFrom(payload: JWTPayload, expiresAtMs: number, config: JwtConfig): Principal {
  const id = payload[config.principalClaim];
  if (typeof id !== 'string' || id === '' || id.length > MAX_PRINCIPAL_CHARS) {
    throw new WardenError('AUTH_INVALID', 'token names no principal');
  }
  const scopes =
    payload.scope !== undefined ? stringList(payload.scope, 'scope') : stringList(payload.scp, 'scp');
  const principal: Principal = {
    id,
    groups: Object.freeze(stringList(payload[config.groupsClaim], config.groupsClaim)),
    scopes: Object.freeze(scopes),
    authMethod: 'jwt',
    ...(typeof payload.jti === 'string' ? { credentialId: payload.jti.slice(0, 128) } : {}),
    expiresAtMs,
  };
  return Object.freeze(principal);
}

function mapJoseError(error: unknown): WardenError {
  if (error instanceof WardenError) return error;
  if (error instanceof errors.JWTExpired)
    return new WardenError('AUTH_EXPIRED', 'token expired', { cause: error });
  return new WardenError('AUTH_INVALID', 'token could not be verified', { cause: error });
}

/** Creates a verifier against the issuer's JWKS (issuer, audience, exp/nbf with skew, algorithm allowlist). */
export function createJwtVerifier(config: JwtConfig, now: () => number): JwtVerifier {
  const jwks = createRemoteJWKSet(new URL(config.jwksUrl), {
    timeoutDuration: JWKS_TIMEOUT_MS,
    cooldownDuration: JWKS_COOLDOWN_MS,
  });
  const skewMs = config.clockSkewSec * 1000;
  const cache = new Map<string, CachedToken>();

  return (token) => {
    const hit = cache.get(token);
    if (hit) {
      if (now() <= hit.expiresAtMs + skewMs) return hit.principal;
      cache.delete(token);
    }
    if (token.length > MAX_TOKEN_CHARS) throw new WardenError('AUTH_INVALID', 'token too long');
    return jwtVerify(token, jwks, {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: config.algorithms,
      clockTolerance: config.clockSkewSec,
      currentDate: new Date(now()),
      requiredClaims: ['exp'],
    }).then(
      ({ payload }) => {
        // exp is required above, so it is a number here.
        const expiresAtMs = (payload.exp ?? 0) * 1000;
        const principal = principalFrom(payload, expiresAtMs, config);
        if (cache.size >= JWT_CACHE_ENTRIES) cache.delete(cache.keys().next().value ?? '');
        cache.set(token, { principal, expiresAtMs });
        return principal;
      },
      (error: unknown) => {
        throw mapJoseError(error);
      },
    );
  };
}
