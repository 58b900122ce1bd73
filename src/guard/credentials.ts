import type { IncomingHttpHeaders } from 'node:http';
import { WardenError } from '../errors/index.js';

/** Longest credential header value examined. */
export const MAX_CREDENTIAL_CHARS = 16 * 1024;

/** How many header lines named `name` (lowercase) a request carried. */
function lineCount(rawHeaders: readonly string[], name: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const line = rawHeaders[i] ?? '';
    if (line.length === name.length && line.toLowerCase() === name) count++;
  }
  return count;
}

/**
 * The credential of a request from `Authorization: Bearer` or `X-API-Key`; undefined when neither is present.
 * Other schemes, empty values, duplicates and conflicting values are refused (AUTH_INVALID). `rawHeaders` are
 * the header lines as received: Node keeps only the first of two Authorization lines, so a second one (which a
 * proxy in front may have read instead) is only visible there.
 */
export function extractCredential(
  headers: IncomingHttpHeaders,
  rawHeaders: readonly string[] = [],
): string | undefined {
  const authorization = headers.authorization;
  if (lineCount(rawHeaders, 'authorization') > 1)
    throw new WardenError('AUTH_INVALID', 'malformed Authorization header');
  const apiKeyHeader = headers['x-api-key'];
  let bearer: string | undefined;
  if (authorization !== undefined) {
    const m = /^Bearer +([^\s,]+) *$/i.exec(authorization);
    if (!m?.[1] || authorization.length > MAX_CREDENTIAL_CHARS)
      throw new WardenError('AUTH_INVALID', 'malformed Authorization header');
    bearer = m[1];
  }
  let apiKey: string | undefined;
  if (apiKeyHeader !== undefined) {
    const value = Array.isArray(apiKeyHeader) ? '' : apiKeyHeader.trim();
    if (value === '' || value.includes(',') || value.length > MAX_CREDENTIAL_CHARS) {
      throw new WardenError('AUTH_INVALID', 'malformed X-API-Key header');
    }
    apiKey = value;
  }
  if (bearer !== undefined && apiKey !== undefined && bearer !== apiKey) {
    throw new WardenError('AUTH_INVALID', 'conflicting credentials');
  }
  return bearer ?? apiKey;
}
