import type { ToolAnnotations, ToolDefinition } from '../mcp/wire.js';
import type { AuthMethod, Principal } from '../policy/principal.js';

/** A policy decision (see src/policy). */
export interface PolicyDecision {
  effect: 'allow' | 'deny' | 'ask';
  rule: string;
  reason: string;
}

/** What the gateway needs from the policy engine. */
export interface PolicyPort {
  decide(principal: Principal, tool: { name: string; annotations?: ToolAnnotations | undefined }, args: unknown): PolicyDecision;
  visibleTools(principal: Principal, tools: ToolDefinition[]): ToolDefinition[];
}

/** What the gateway needs from argument validation. */
export interface ArgValidatorPort {
  /** Throws ARGS_INVALID naming the failing path. */
  validate(tool: ToolDefinition, args: unknown): void;
}

/** What the gateway needs from rate limiting: acquire throws RATE_LIMITED / CONCURRENCY_LIMITED, else returns a release. */
export interface LimiterPort {
  acquire(principalId: string, tool: string): () => void;
}

/** One audit record, as the gateway hands it over (digest, redaction and chaining happen in src/audit). */
export interface AuditRecordInput {
  time: number;
  correlationId: string;
  principal: string;
  authMethod: AuthMethod;
  clientAddress?: string | undefined;
  sessionId?: string | undefined;
  upstream?: string | undefined;
  method: string;
  tool?: string | undefined;
  args?: unknown;
  decision: 'allow' | 'deny' | 'ask-allow' | 'ask-deny';
  rule?: string | undefined;
  status: 'ok' | 'error' | 'denied' | 'timeout';
  errorCode?: string | undefined;
  durationMs: number;
  requestBytes: number;
  responseBytes: number;
}

/** What the gateway needs from the audit log: `append` resolves once the record is durable. */
export interface AuditPort {
  append(record: AuditRecordInput): Promise<void>;
}

/** What the gateway reports to metrics. */
export interface MetricsPort {
  observeCall(call: { tool: string; upstream: string; decision: string; status: string; durationMs: number }): void;
  rateLimited(kind: string): void;
  setUpstreamHealth(name: string, up: boolean): void;
  upstreamRestart(name: string): void;
}

/** Masks secrets in results returned to clients (`redact.results`). */
export interface ResultRedactorPort {
  redactValue(value: unknown): unknown;
}
