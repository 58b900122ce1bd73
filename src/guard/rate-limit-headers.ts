import type { RateLimitDetails } from './limiter.js';

/** HTTP headers for a 429: `Retry-After` (RFC 9110) and `RateLimit-Policy` / `RateLimit` (IETF httpapi draft). */
export interface RateLimitHeaders {
  'Retry-After': string;
  'RateLimit-Policy': string;
  RateLimit: string;
}

/** Builds the 429 headers from the details of a RATE_LIMITED or CONCURRENCY_LIMITED error. */
export function rateLimitHeaders(details: RateLimitDetails): RateLimitHeaders {
  const name = /^[a-z]{1,16}$/.test(details.scope) ? details.scope : 'limit';
  const retrySec = Math.max(1, Math.ceil(details.retryAfterMs / 1000));
  const resetSec = Math.max(0, Math.ceil(details.resetMs / 1000));
  const windowPart = details.windowMs > 0 ? `;w=${Math.ceil(details.windowMs / 1000)}` : '';
  return {
    'Retry-After': String(retrySec),
    'RateLimit-Policy': `"${name}";q=${details.limit}${windowPart}`,
    RateLimit: `"${name}";r=${details.remaining};t=${resetSec}`,
  };
}
