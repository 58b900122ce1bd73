import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Longest X-Request-Id accepted from a client. */
export const MAX_REQUEST_ID_CHARS = 128;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
// W3C Trace Context: version-traceid-parentid-flags; version ff is invalid; future versions may append fields.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_PARENT_ID = '0'.repeat(16);

/** Where a correlation id came from. */
export type CorrelationSource = 'x-request-id' | 'traceparent' | 'generated';

/** A correlation id and its origin; `rejected` tells that the client sent one that was malformed. */
export interface Correlation {
  id: string;
  source: CorrelationSource;
  rejected: boolean;
}

function single(value: string | string[] | undefined): string | undefined {
  // Two headers of the same name are ambiguous: treat as malformed.
  if (Array.isArray(value)) return value.length === 1 ? value[0] : '\u0000';
  return value;
}

/** The trace id of a strictly well-formed `traceparent`, else undefined. */
export function traceIdFromTraceparent(value: string): string | undefined {
  if (value.length > 512) return undefined;
  const m = TRACEPARENT.exec(value);
  if (!m) return undefined;
  const [, version, traceId, parentId, , rest] = m;
  if (version === 'ff' || traceId === ZERO_TRACE_ID || parentId === ZERO_PARENT_ID) return undefined;
  if (version === '00' && rest !== undefined) return undefined;
  return traceId;
}

/**
 * Chooses the correlation id of a request: a well-formed `X-Request-Id`, else the trace id of a well-formed
 * `traceparent`, else a fresh time-ordered UUID (v7). A malformed value is replaced, never trusted or echoed.
 */
export function resolveCorrelation(headers: IncomingHttpHeaders): Correlation {
  let rejected = false;
  const requestId = single(headers['x-request-id']);
  if (requestId !== undefined) {
    if (REQUEST_ID.test(requestId)) return { id: requestId, source: 'x-request-id', rejected };
    rejected = true;
  }
  const traceparent = single(headers.traceparent);
  if (traceparent !== undefined) {
    const traceId = traceIdFromTraceparent(traceparent);
    if (traceId !== undefined) return { id: traceId, source: 'traceparent', rejected };
    rejected = true;
  }
  return { id: newCorrelationId(), source: 'generated', rejected };
}

/**
 * A fresh UUID version 7 (RFC 9562): the first 48 bits are the time in milliseconds, the rest random (taken from
 * a v4 UUID). Ids made later sort later, so the audit log's correlation index grows at its end instead of
 * rewriting a random page per record.
 */
export function newCorrelationId(now = Date.now()): string {
  const random = randomUUID();
  const time = now.toString(16).padStart(12, '0').slice(-12);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(15)}`;
}

/** The correlation id of a request (see {@link resolveCorrelation}). */
export function correlationId(headers: IncomingHttpHeaders): string {
  return resolveCorrelation(headers).id;
}
