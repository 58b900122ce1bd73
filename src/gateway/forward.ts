import { WardenError } from '../errors/index.js';
import { errorResponse, resultResponse } from '../mcp/jsonrpc.js';
import { RPC, type JsonRpcRequest, type JsonRpcResponse } from '../mcp/wire.js';
import type { UpstreamClient } from '../upstream/index.js';
import {
  auditBase,
  progressRelay,
  reply,
  withCorrelation,
  type Reply,
  type RequestFacts,
} from './call-context.js';
import type { AuditRecordInput } from './ports.js';
import type { ClientSession } from './session.js';
import type { Subscriptions } from './subscriptions.js';
import type { ToolCallDeps } from './tool-call.js';

/** What forwarding needs: the tool-call dependencies and the resource subscriptions. */
export interface ForwardDeps extends ToolCallDeps {
  subscriptions: Subscriptions;
}

/** Where a non-tool request goes, and the name policy decides it under. */
interface Route {
  client: UpstreamClient;
  params: Record<string, unknown>;
  /** `prompt:<name>` or `resource:<uri>`: resources and prompts share the policy's name space with tools. */
  policyName: string;
  /** The resource's URI, for resource routes. */
  uri?: string;
  audited: boolean;
}

function routeOf(deps: ToolCallDeps, request: JsonRpcRequest): Route {
  const params = request.params ?? {};
  const upstream = (name: string | undefined): UpstreamClient => {
    const client = name === undefined ? undefined : deps.upstreams.get(name);
    if (!client) throw new WardenError('UPSTREAM_UNAVAILABLE');
    return client;
  };
  const resourceRoute = (uri: unknown, audited: boolean): Route => {
    if (typeof uri !== 'string' || uri.length === 0)
      throw new WardenError('INVALID_PARAMS', 'uri must be a non-empty string');
    const owner = deps.catalog.resourceOwner(uri) ?? soleResourceUpstream(deps.upstreams);
    if (owner === undefined)
      throw new WardenError('UNKNOWN_RESOURCE', `no upstream serves ${uri.slice(0, 200)}`);
    return { client: upstream(owner), params, policyName: `resource:${uri}`, uri, audited };
  };
  const promptRoute = (
    name: unknown,
    rewrite: (original: string) => Record<string, unknown>,
    audited: boolean,
  ): Route => {
    const entry = typeof name === 'string' ? deps.catalog.prompts.get(name) : undefined;
    if (!entry) throw new WardenError('UNKNOWN_PROMPT', `unknown prompt ${String(name).slice(0, 128)}`);
    return {
      client: upstream(entry.upstream),
      params: rewrite(entry.originalName),
      policyName: `prompt:${entry.name}`,
      audited,
    };
  };
  switch (request.method) {
    // A subscription follows what a read would show, so it is decided, refused and audited like a read of the
    // same URI: a principal denied the read gets no notifications/resources/updated for it either.
    case 'resources/read':
    case 'resources/subscribe':
      return resourceRoute(params.uri, true);
    case 'prompts/get':
      return promptRoute(params.name, (name) => ({ ...params, name }), true);
    case 'completion/complete': {
      const ref = params.ref;
      if (typeof ref !== 'object' || ref === null)
        throw new WardenError('INVALID_PARAMS', 'ref must be an object');
      if ('type' in ref && ref.type === 'ref/prompt' && 'name' in ref) {
        return promptRoute(ref.name, (name) => ({ ...params, ref: { ...ref, name } }), false);
      }
      if ('type' in ref && ref.type === 'ref/resource' && 'uri' in ref) return resourceRoute(ref.uri, false);
      throw new WardenError('INVALID_PARAMS', 'unsupported completion reference');
    }
    default:
      throw new WardenError('METHOD_NOT_FOUND', `Method not found: ${request.method.slice(0, 64)}`);
  }
}

/** The one upstream offering resources, when there is exactly one (URIs no listing names route there). */
export function soleResourceUpstream(upstreams: ToolCallDeps['upstreams']): string | undefined {
  const withResources = [...upstreams.values()].filter((c) => c.serverCapabilities.resources);
  return withResources.length === 1 ? withResources[0]?.name : undefined;
}

/** Sends an allowed request on; an allowed subscription registers the session (once per URI upstream). */
async function perform(
  deps: ForwardDeps,
  session: ClientSession,
  request: JsonRpcRequest,
  route: Route,
  facts: RequestFacts,
): Promise<Record<string, unknown>> {
  if (request.method === 'resources/subscribe' && route.uri !== undefined) {
    await deps.subscriptions.add(session, route.uri, route.client);
    return {};
  }
  const params = { ...route.params, _meta: withCorrelation(route.params._meta, facts.correlationId) };
  return route.client.request(request.method, params, {
    onProgress: progressRelay(session, request),
    owner: { session, requestId: request.id },
  });
}

/**
 * Forwards resources/read, resources/subscribe, prompts/get and completion/complete to the upstream that serves
 * them, after the policy allows it; reads, subscriptions and prompt gets are audited like tool calls.
 */
export async function forwardRequest(
  deps: ForwardDeps,
  session: ClientSession,
  request: JsonRpcRequest,
  facts: RequestFacts,
): Promise<Reply> {
  const started = performance.now();
  const record: AuditRecordInput = auditBase(session, request, facts, request.method);
  let response: JsonRpcResponse;
  let audited =
    request.method === 'resources/read' ||
    request.method === 'resources/subscribe' ||
    request.method === 'prompts/get';
  let release: (() => void) | undefined;
  try {
    const route = routeOf(deps, request);
    audited = route.audited;
    record.upstream = route.client.name;
    record.name = route.policyName;
    record.args = route.params;
    const decision = deps
      .policyFor(session)
      .decide(session.principal, { name: route.policyName }, route.params);
    record.rule = decision.rule;
    if (decision.effect !== 'allow') {
      record.decision = 'deny';
      record.status = 'denied';
      record.errorCode = 'POLICY_DENIED';
      response = errorResponse(request.id, RPC.REFUSED, `POLICY_DENIED: denied by policy (${decision.rule})`);
    } else {
      release = deps.limiter?.acquire(session.principal.id, route.policyName);
      const result = await perform(deps, session, request, route, facts);
      response = resultResponse(
        request.id,
        deps.resultRedactor ? (deps.resultRedactor.redactValue(result) as Record<string, unknown>) : result,
      );
    }
  } catch (error) {
    release?.();
    if (!audited) throw error;
    const refused =
      error instanceof WardenError && (error.code === 'RATE_LIMITED' || error.code === 'CONCURRENCY_LIMITED');
    record.status = refused
      ? 'denied'
      : error instanceof WardenError && error.code.endsWith('TIMEOUT')
        ? 'timeout'
        : 'error';
    if (refused) record.decision = 'deny';
    record.errorCode = error instanceof WardenError ? error.code : 'UPSTREAM_ERROR';
    record.durationMs = performance.now() - started;
    await deps.audit.append(record);
    throw error;
  }
  release?.();
  const answer = reply(response);
  if (!audited) return answer;
  record.durationMs = performance.now() - started;
  record.responseBytes = answer.body.length;
  await deps.audit.append(record);
  return answer;
}
