import type { AuditRecordInput } from '../audit/record.js';
import type { ToolAnnotations, ToolDefinition } from '../mcp/wire.js';
import type { Principal } from '../policy/principal.js';

/** A policy decision (see src/policy). */
export interface PolicyDecision {
  effect: 'allow' | 'deny' | 'ask';
  rule: string;
  reason: string;
}

/** What the gateway needs from the policy engine. */
export interface PolicyPort {
  decide(
    principal: Principal,
    tool: { name: string; annotations?: ToolAnnotations | undefined },
    args: unknown,
  ): PolicyDecision;
  /** The items (tools, or prompts and resources under their policy names) the principal could ever be allowed. */
  visibleTools<T extends { name: string; annotations?: ToolAnnotations | undefined }>(
    principal: Principal,
    tools: readonly T[],
  ): T[];
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

export type { AuditRecordInput } from '../audit/record.js';

/** What the gateway needs from the audit log: `append` resolves once the record is durable. */
export interface AuditPort {
  append(record: AuditRecordInput): Promise<void>;
}

/** What the gateway reports to metrics. */
export interface MetricsPort {
  observeCall(call: {
    tool: string;
    upstream: string;
    decision: string;
    status: string;
    durationMs: number;
  }): void;
  rateLimited(kind: string): void;
  setUpstreamHealth(name: string, up: boolean): void;
  upstreamRestart(name: string): void;
}

/** Masks secrets in results returned to clients (`redact.results`). */
export interface ResultRedactorPort {
  redactValue(value: unknown): unknown;
}
