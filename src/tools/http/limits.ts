/** Methods `http_fetch` sends; CONNECT and TRACE are never offered. */
export const FETCH_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** An HTTP method `http_fetch` sends. */
export type FetchMethod = (typeof FETCH_METHODS)[number];

/** Longest URL accepted, in characters. */
export const MAX_URL_CHARS = 8192;
/** Largest request body accepted, in bytes (UTF-8). */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;
/** Most request headers a caller may set. */
export const MAX_REQUEST_HEADERS = 64;
/** Longest header name, in characters. */
export const MAX_HEADER_NAME_CHARS = 256;
/** Longest header value, in characters. */
export const MAX_HEADER_VALUE_CHARS = 8192;
/** Largest total size of caller headers (names plus values), in bytes. */
export const MAX_REQUEST_HEADER_BYTES = 32 * 1024;
/** Largest response header block accepted from a server, in bytes. */
export const MAX_RESPONSE_HEADER_BYTES = 32 * 1024;
/** User-Agent sent when the caller sets none. */
export const DEFAULT_USER_AGENT = 'warden-http-fetch/1';
