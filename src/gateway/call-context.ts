import type { WardenError } from '../errors/index.js';
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
