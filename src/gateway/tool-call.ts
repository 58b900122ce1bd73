import { WardenError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { Pinning } from '../pinning/index.js';
import { errorResponse, resultResponse } from '../mcp/jsonrpc.js';
import { RPC, type JsonRpcRequest, type JsonRpcResponse, type ToolResult } from '../mcp/wire.js';
import { UpstreamRpcError, type UpstreamClient } from '../upstream/index.js';
import {
  auditBase,
  progressRelay,
  reply,
  withCorrelation,
  type Reply,
  type RequestFacts,
} from './call-context.js';
import type { Catalog, ToolEntry } from './catalog.js';
import type {
  ArgValidatorPort,
  AuditPort,
  AuditRecordInput,
  LimiterPort,
  MetricsPort,
  PolicyPort,
  ResultRedactorPort,
} from './ports.js';
import { LazyAbortController, type ClientSession } from './session.js';

/** Longest Warden waits for a user to approve an `ask` call. */
export const ASK_TIMEOUT_MS = 120_000;

/** Everything the tools/call pipeline needs. */
export interface ToolCallDeps {
  catalog: Catalog;
  upstreams: Map<string, UpstreamClient>;
  policyFor(session: ClientSession): PolicyPort;
  /** Undefined only while the validator loads at start-up; calls then wait for `pendingValidator`. */
  validator: ArgValidatorPort | undefined;
  pendingValidator: Promise<ArgValidatorPort> | undefined;
  limiter: LimiterPort | undefined;
  audit: AuditPort;
  metrics: MetricsPort | undefined;
  resultRedactor: ResultRedactorPort | undefined;
  pinning: Pinning | undefined;
  logger: Logger;
}

/** Marks an audit record as refused before anything ran. */
function markDenied(record: AuditRecordInput, code: string): void {
  record.status = 'denied';
  record.decision = 'deny';
  record.errorCode = code;
}

function toolError(code: string, message: string): ToolResult {
  return { content: [{ type: 'text', text: `${code}: ${message}` }], isError: true };
}

/**
 * The path of one tool call: route → rate limit → policy (and ask) → argument check → call → redaction →
 * durable audit → reply. Denials are tool results with isError; the audit record is committed before the reply
 * is returned, and if it cannot be, the caller gets AUDIT_WRITE_FAILED instead of the result.
 */
export async function callTool(
  deps: ToolCallDeps,
  session: ClientSession,
  request: JsonRpcRequest,
  facts: RequestFacts,
): Promise<Reply> {
  const started = performance.now();
  const params = request.params;
  const name = params?.name;
  const args = params?.arguments ?? {};
  const record = auditBase(session, request, facts, 'tools/call');
  if (typeof name !== 'string' || typeof args !== 'object' || args === null || Array.isArray(args)) {
    markDenied(record, 'INVALID_PARAMS');
    return finish(
      deps,
      record,
      started,
      errorResponse(request.id, RPC.INVALID_PARAMS, 'tools/call needs a string name and object arguments'),
    );
  }
  record.name = name;
  record.args = args;
  const entry = deps.catalog.tools.get(name);
  if (!entry) {
    markDenied(record, 'UNKNOWN_TOOL');
    return finish(
      deps,
      record,
      started,
      errorResponse(request.id, RPC.INVALID_PARAMS, `Unknown tool: ${name.slice(0, 128)}`),
    );
  }
  record.upstream = entry.upstream;
  let release: (() => void) | undefined;
  let result: ToolResult;
  try {
    release = deps.limiter?.acquire(session.principal.id, name);
    result = await decideAndCall(deps, session, request, entry, args as Record<string, unknown>, record);
  } catch (error) {
    if (
      error instanceof WardenError &&
      (error.code === 'RATE_LIMITED' || error.code === 'CONCURRENCY_LIMITED')
    ) {
      deps.metrics?.rateLimited(error.code === 'RATE_LIMITED' ? 'window' : 'concurrency');
      markDenied(record, error.code);
      return finish(
        deps,
        record,
        started,
        errorResponse(request.id, RPC.REFUSED, `${error.code}: ${error.message}`, {
          code: error.code,
          ...error.details,
        }),
        error,
      );
    }
    result = failureResult(deps, error, record);
  } finally {
    release?.();
  }
  if (deps.resultRedactor && !result.isError) result = deps.resultRedactor.redactValue(result) as ToolResult;
  return finish(deps, record, started, resultResponse(request.id, result));
}

async function decideAndCall(
  deps: ToolCallDeps,
  session: ClientSession,
  request: JsonRpcRequest,
  entry: ToolEntry,
  args: Record<string, unknown>,
  record: AuditRecordInput,
): Promise<ToolResult> {
  const decision = deps
    .policyFor(session)
    .decide(session.principal, { name: entry.name, annotations: entry.definition.annotations }, args);
  record.rule = decision.rule;
  if (decision.effect === 'deny') {
    record.decision = 'deny';
    record.status = 'denied';
    record.errorCode = decision.rule === 'error' ? 'POLICY_ERROR' : 'POLICY_DENIED';
    return toolError(
      record.errorCode,
      decision.rule === 'error' ? 'policy evaluation failed; denied' : `denied by policy (${decision.rule})`,
    );
  }
  if (decision.effect === 'ask') {
    const approved = await askUser(session, request, entry.name);
    record.decision = approved ? 'ask-allow' : 'ask-deny';
    if (!approved) {
      record.status = 'denied';
      record.errorCode = 'POLICY_ASK_DECLINED';
      return toolError(
        'POLICY_ASK_DECLINED',
        session.can('elicitation')
          ? 'the user did not approve the call'
          : 'approval needed, but the client cannot ask its user',
      );
    }
  }
  if (entry.drifted) {
    // An approval made with `warden pins approve` since the listing takes effect at once.
    if (
      entry.upstream !== undefined &&
      deps.pinning?.isApproved(entry.upstream, entry.originalName, entry.definition)
    )
      entry.drifted = false;
    else
      throw new WardenError(
        'PIN_MISMATCH',
        'tool definition changed since it was pinned; review it with "warden pins show" and approve it',
      );
  }
  const validator = deps.validator ?? (await deps.pendingValidator);
  if (!validator) throw new WardenError('INTERNAL', 'argument validation unavailable');
  validator.validate(entry.definition, args);
  const controller = new LazyAbortController();
  if (session.inflight.has(request.id)) throw new WardenError('DUPLICATE_REQUEST_ID');
  session.inflight.set(request.id, controller);
  try {
    const result = entry.builtin
      ? await entry.builtin.call(args, {
          get signal() {
            return controller.signal;
          },
          requestId: record.correlationId,
          principalId: session.principal.id,
        })
      : await callUpstream(deps, session, request, entry, controller.signal, record.correlationId);
    if (result.isError === true) record.status = 'error';
    return result;
  } finally {
    session.inflight.delete(request.id);
  }
}

async function callUpstream(
  deps: ToolCallDeps,
  session: ClientSession,
  request: JsonRpcRequest,
  entry: ToolEntry,
  signal: AbortSignal,
  correlationId: string,
): Promise<ToolResult> {
  const client = entry.upstream === undefined ? undefined : deps.upstreams.get(entry.upstream);
  if (!client) throw new WardenError('UPSTREAM_UNAVAILABLE');
  const params = request.params ?? {};
  const outgoing = {
    ...params,
    name: entry.originalName,
    _meta: withCorrelation(params._meta, correlationId),
  };
  const onProgress = progressRelay(session, request);
  const result = await client.request('tools/call', outgoing, {
    signal,
    onProgress,
    owner: { session, requestId: request.id },
  });
  if (!Array.isArray(result.content))
    throw new WardenError('UPSTREAM_PROTOCOL', 'upstream tool result has no content array');
  return result as ToolResult;
}

async function askUser(session: ClientSession, request: JsonRpcRequest, tool: string): Promise<boolean> {
  if (!session.can('elicitation')) return false;
  const answer = await session
    .request(
      'elicitation/create',
      {
        message: `Warden: allow ${session.principal.id} to call the tool "${tool}"?`,
        requestedSchema: {
          type: 'object',
          properties: { approve: { type: 'boolean', title: 'Approve this call', default: false } },
          required: ['approve'],
        },
      },
      request.id,
      AbortSignal.timeout(ASK_TIMEOUT_MS),
    )
    .catch(() => undefined);
  const content = answer?.content;
  return (
    answer?.action === 'accept' &&
    typeof content === 'object' &&
    content !== null &&
    'approve' in content &&
    content.approve === true
  );
}

function failureResult(deps: ToolCallDeps, error: unknown, record: AuditRecordInput): ToolResult {
  if (error instanceof WardenError) {
    record.status = error.code === 'TIMEOUT' || error.code.endsWith('_TIMEOUT') ? 'timeout' : 'error';
    // Refusals by a check (arguments, pins) or by a tool's confinement (paths, programs, addresses) are denials,
    // so that `warden audit search --status denied` finds escape attempts too.
    if (error.status === 403 || error.code === 'ARGS_INVALID' || error.code === 'DUPLICATE_REQUEST_ID') {
      record.status = 'denied';
      if (
        error.code === 'ARGS_INVALID' ||
        error.code === 'PIN_MISMATCH' ||
        error.code === 'DUPLICATE_REQUEST_ID'
      )
        record.decision = 'deny';
    }
    record.errorCode = error.code;
    return toolError(error.code, error.message);
  }
  if (error instanceof UpstreamRpcError) {
    record.status = 'error';
    record.errorCode = 'UPSTREAM_ERROR';
    return toolError('UPSTREAM_ERROR', error.message.slice(0, 500));
  }
  deps.logger.error({ err: error, correlationId: record.correlationId }, 'tool call failed');
  record.status = 'error';
  record.errorCode = 'INTERNAL';
  return toolError('INTERNAL', 'internal error');
}

async function finish(
  deps: ToolCallDeps,
  record: AuditRecordInput,
  started: number,
  response: JsonRpcResponse,
  refusal?: WardenError,
): Promise<Reply> {
  const body = JSON.stringify(response);
  record.responseBytes = body.length;
  record.durationMs = performance.now() - started;
  deps.metrics?.observeCall({
    tool: record.name ?? '',
    upstream: record.upstream ?? 'builtin',
    decision: record.decision,
    status: record.status,
    durationMs: record.durationMs,
  });
  try {
    await deps.audit.append(record);
  } catch (error) {
    deps.logger.error(
      { err: error, correlationId: record.correlationId },
      'audit write failed; reply withheld',
    );
    return reply(
      errorResponse(
        response.id,
        RPC.INTERNAL_ERROR,
        'AUDIT_WRITE_FAILED: audit record could not be written; call refused',
      ),
    );
  }
  return refusal ? { body, refusal } : { body };
}
