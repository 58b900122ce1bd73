import type { FetchMethod } from './limits.js';
import { BODY_HEADERS, CREDENTIAL_HEADERS, type RequestHeaders } from './request-headers.js';
import { WardenError } from '../../errors/index.js';

/** One request of a fetch: the first, or one produced by a redirect. */
export interface Hop {
  url: string;
  method: FetchMethod;
  headers: RequestHeaders;
  body: string | undefined;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** True when `status` is a redirect that is followed (300, 304, 305 and 306 are returned as they are). */
export function isFollowedRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

function changesToGet(status: number, method: FetchMethod): boolean {
  // RFC 9110 15.4.2-4 and the Fetch standard: 301/302 turn POST into GET; 303 turns everything but GET/HEAD into GET.
  if (status === 303) return method !== 'GET' && method !== 'HEAD';
  return (status === 301 || status === 302) && method === 'POST';
}

/** The next hop after a redirect: Location resolved against the current URL, method and body per RFC 9110, credentials dropped across origins. */
export function nextHop(hop: Hop, status: number, location: string): Hop {
  let next: URL;
  try {
    next = new URL(location, hop.url);
  } catch (error) {
    throw new WardenError('HTTP_BAD_URL', 'invalid redirect location', { cause: error });
  }
  const headers: RequestHeaders = new Map(hop.headers);
  if (next.origin !== new URL(hop.url).origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
  if (changesToGet(status, hop.method)) {
    for (const name of BODY_HEADERS) headers.delete(name);
    return { url: next.href, method: 'GET', headers, body: undefined };
  }
  return { url: next.href, method: hop.method, headers, body: hop.body };
}
