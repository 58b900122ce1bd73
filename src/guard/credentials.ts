import type { IncomingHttpHeaders } from 'node:http';
import { WardenError } from '../errors/index.js';

/** Longest credential header value examined. */
export const MAX_CREDENTIAL_CHARS = 16 * 1024;

/**
 * The credential of a request from `Authorization: Bearer` or `X-API-Key`; undefined when neither is present.
 * Other schemes, empty values, duplicates and conflicting values are refused (AUTH_INVALID).
 */
export function extractCredential(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
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
