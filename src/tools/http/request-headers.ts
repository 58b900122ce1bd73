import { WardenError } from '../../errors/index.js';
import {
  DEFAULT_USER_AGENT,
  MAX_HEADER_NAME_CHARS,
  MAX_HEADER_VALUE_CHARS,
  MAX_REQUEST_HEADER_BYTES,
} from './limits.js';

/** Request headers as lowercase name → value. */
export type RequestHeaders = Map<string, string>;

// Framing, routing and proxy headers belong to Warden: a caller-chosen Host or Transfer-Encoding could smuggle a
// second request or reach a different virtual host than the one checked.
const RESERVED_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
  'expect',
  'http2-settings',
  'accept-encoding',
]);

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Headers dropped when a redirect leaves the origin they were meant for. */
export const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'cookie', 'cookie2'];

/** Headers describing a body, dropped when a redirect turns the request into a GET. */
export const BODY_HEADERS: readonly string[] = [
  'content-type',
  'content-encoding',
  'content-language',
  'content-location',
];

/** Checks caller headers and adds Warden's defaults; throws HTTP_HEADER_DENIED on a reserved, malformed or oversized one. */
export function buildRequestHeaders(entries: readonly [string, string][]): RequestHeaders {
  const headers: RequestHeaders = new Map();
  let totalBytes = 0;
  for (const [rawName, value] of entries) {
    const name = rawName.toLowerCase();
    if (!TOKEN.test(rawName) || rawName.length > MAX_HEADER_NAME_CHARS)
      throw new WardenError('HTTP_HEADER_DENIED', 'malformed header name');
    if (RESERVED_HEADERS.has(name) || name.startsWith('proxy-'))
      throw new WardenError('HTTP_HEADER_DENIED', `header not allowed: ${name}`);
    if (!FIELD_VALUE.test(value) || value.length > MAX_HEADER_VALUE_CHARS) {
      throw new WardenError('HTTP_HEADER_DENIED', `malformed value of header ${name}`);
    }
    if (headers.has(name)) throw new WardenError('HTTP_HEADER_DENIED', `duplicate header: ${name}`);
    totalBytes += Buffer.byteLength(name) + Buffer.byteLength(value, 'latin1');
    if (totalBytes > MAX_REQUEST_HEADER_BYTES)
      throw new WardenError('HTTP_HEADER_DENIED', 'headers too large');
    headers.set(name, value);
  }
  if (!headers.has('user-agent')) headers.set('user-agent', DEFAULT_USER_AGENT);
  if (!headers.has('accept')) headers.set('accept', '*/*');
  // Bodies are returned as received, so ask for no content coding that would have to be decoded.
  headers.set('accept-encoding', 'identity');
  return headers;
}
