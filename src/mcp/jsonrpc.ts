import {
  RPC,
  type JsonRpcErrorResponse,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
} from './wire.js';

/** Deepest JSON nesting Warden accepts in one message; deeper input is refused before parsing. */
export const MAX_JSON_DEPTH = 64;

/** What one incoming value turned out to be. */
export type Classified =
  | { kind: 'request'; message: JsonRpcRequest }
  | { kind: 'notification'; message: JsonRpcNotification }
  | { kind: 'response'; message: JsonRpcResponse }
  | { kind: 'invalid'; id: JsonRpcId | null; reason: string };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isValidId(id: unknown): id is JsonRpcId {
  return typeof id === 'string' ? id.length <= 256 : typeof id === 'number' && Number.isSafeInteger(id);
}

/**
 * Classifies a parsed JSON value as a JSON-RPC 2.0 request, notification or response, checking exactly the
 * shape MCP requires (string or integer ids, named params) without copying the message.
 */
export function classify(value: unknown): Classified {
  if (!isPlainObject(value)) return { kind: 'invalid', id: null, reason: 'message must be a JSON object' };
  const id = value.id;
  const hasId = id !== undefined;
  if (hasId && !isValidId(id))
    return { kind: 'invalid', id: null, reason: 'id must be a string or an integer' };
  if (value.jsonrpc !== '2.0')
    return { kind: 'invalid', id: hasId ? id : null, reason: 'jsonrpc must be "2.0"' };
  const method = value.method;
  if (method !== undefined) {
    if (typeof method !== 'string' || method.length === 0 || method.length > 256) {
      return { kind: 'invalid', id: hasId ? id : null, reason: 'method must be a non-empty string' };
    }
    if (value.params !== undefined && !isPlainObject(value.params)) {
      return { kind: 'invalid', id: hasId ? id : null, reason: 'params must be an object' };
    }
    return hasId
      ? { kind: 'request', message: value as unknown as JsonRpcRequest }
      : { kind: 'notification', message: value as unknown as JsonRpcNotification };
  }
  if (!hasId) return { kind: 'invalid', id: null, reason: 'a response needs an id' };
  const hasResult = value.result !== undefined;
  const error = value.error;
  if (hasResult === (error !== undefined)) {
    return { kind: 'invalid', id, reason: 'a response has exactly one of result and error' };
  }
  if (hasResult && !isPlainObject(value.result))
    return { kind: 'invalid', id, reason: 'result must be an object' };
  if (
    !hasResult &&
    !(isPlainObject(error) && Number.isInteger(error.code) && typeof error.message === 'string')
  ) {
    return { kind: 'invalid', id, reason: 'error must have an integer code and a message' };
  }
  return { kind: 'response', message: value as unknown as JsonRpcResponse };
}

/**
 * True when `text` nests arrays and objects deeper than `limit`. Scans the raw text once, skipping strings, so
 * that hostile nesting is refused before JSON.parse and before any recursive code sees it.
 */
export function exceedsDepth(text: string, limit: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/** Result of {@link parseMessage}. */
export type Parsed = { ok: true; value: unknown } | { ok: false; response: JsonRpcErrorResponse };

/** Parses one JSON-RPC message text with the depth guard; failures come back as the error response to send. */
export function parseMessage(text: string): Parsed {
  if (exceedsDepth(text))
    return { ok: false, response: errorResponse(null, RPC.INVALID_REQUEST, 'message nested too deeply') };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, response: errorResponse(null, RPC.PARSE_ERROR, 'Parse error: invalid JSON') };
  }
}

/** A JSON-RPC error response. */
export function errorResponse(
  id: JsonRpcId | null,
  code: number,
  message: string,
  data?: unknown,
): JsonRpcErrorResponse {
  const error = data === undefined ? { code, message } : { code, message, data };
  return { jsonrpc: '2.0', id, error };
}

/** A JSON-RPC result response. */
export function resultResponse(id: JsonRpcId, result: Record<string, unknown>): JsonRpcResponse {
  return { jsonrpc: '2.0', id, result };
}

/** A JSON-RPC notification. */
export function notification(method: string, params?: Record<string, unknown>): JsonRpcNotification {
  return params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params };
}

/** True for a message that is a response (result or error). */
export function isResponse(message: JsonRpcMessage): message is JsonRpcResponse {
  return !('method' in message);
}
