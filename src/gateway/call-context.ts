import type { WardenError } from '../errors/index.js';
import { notification } from '../mcp/jsonrpc.js';
import { CORRELATION_META_KEY, type JsonRpcRequest, type JsonRpcResponse } from '../mcp/wire.js';
import type { AuditRecordInput } from './ports.js';
import type { ClientSession } from './session.js';

/** Facts about one incoming request that the transport knows. */
export interface RequestFacts {
  correlationId: string;
  /** Size of the request body in bytes, for the audit record. */
  requestBytes: number;
}

/** Starts the audit record of a request that reached routing. */
export function auditBase(
  session: ClientSession,
  request: JsonRpcRequest,
  facts: RequestFacts,
  method: string,
): AuditRecordInput {
  return {
    time: Date.now(),
    correlationId: facts.correlationId,
    principal: session.principal.id,
    authMethod: session.principal.authMethod,
    clientAddress: session.clientAddress,
    sessionId: session.id,
    upstream: undefined,
    method,
    name: undefined,
    args: undefined,
    decision: 'allow',
    rule: undefined,
    status: 'ok',
    errorCode: undefined,
    durationMs: 0,
    requestBytes: facts.requestBytes,
    responseBytes: 0,
  };
}

/** A serialised reply, ready for any transport; a refusal (rate limit) lets HTTP answer 429 with its headers. */
export interface Reply {
  body: string;
  refusal?: WardenError | undefined;
}

/** Serialises a response once, for every transport. */
export function reply(response: JsonRpcResponse): Reply {
  return { body: JSON.stringify(response) };
}

/** The request's `_meta` with Warden's correlation id added. */
export function withCorrelation(meta: unknown, correlationId: string): Record<string, unknown> {
  const base = typeof meta === 'object' && meta !== null && !Array.isArray(meta) ? meta : {};
  return { ...base, [CORRELATION_META_KEY]: correlationId };
}

/**
 * Relays upstream progress for one client request, under the token that client chose; undefined when it chose
 * none. The upstream is given Warden's own token instead: clients' tokens collide with each other and with
 * Warden's upstream request ids, and a borrowed id would route another client's progress to its caller.
 */
export function progressRelay(
  session: ClientSession,
  request: JsonRpcRequest,
): ((params: Record<string, unknown>) => void) | undefined {
  const meta = request.params?._meta;
  const token =
    typeof meta === 'object' && meta !== null && 'progressToken' in meta ? meta.progressToken : undefined;
  if (token === undefined) return undefined;
  return (p) => {
    session.channel.send(notification('notifications/progress', { ...p, progressToken: token }), request.id);
  };
}
