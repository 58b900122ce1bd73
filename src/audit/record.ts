/** What the gateway decided about a call. */
export type AuditDecision = 'allow' | 'deny' | 'ask-allow' | 'ask-deny';
/** How the call ended. */
export type AuditStatus = 'ok' | 'error' | 'denied' | 'timeout';

/** Every decision value, for parsing CLI filters and stored rows. */
export const AUDIT_DECISIONS: readonly AuditDecision[] = ['allow', 'deny', 'ask-allow', 'ask-deny'];
/** Every status value, for parsing CLI filters and stored rows. */
export const AUDIT_STATUSES: readonly AuditStatus[] = ['ok', 'error', 'denied', 'timeout'];

/** Longest text kept in one string field of a record; longer values are cut (the args digest still covers them). */
export const MAX_AUDIT_FIELD_CHARS = 4096;

/** One audited request as the gateway reports it; `args` is raw, the log digests and redacts it. */
export interface AuditRecordInput {
  /** When the request arrived, in epoch milliseconds. */
  time: number;
  correlationId: string;
  /** The principal's id. */
  principal: string;
  /** How the principal authenticated (none, stdio, api-key, jwt, mtls), or how authentication failed. */
  authMethod: string;
  clientAddress?: string | undefined;
  sessionId?: string | undefined;
  upstream?: string | undefined;
  /** The MCP method (tools/call, resources/read, prompts/get) or `auth` for authentication denials. */
  method: string;
  /** Tool name, resource URI or prompt name. */
  name?: string | undefined;
  args?: unknown;
  decision: AuditDecision;
  /** The policy rule (or guard) that decided. */
  rule?: string | undefined;
  status: AuditStatus;
  errorCode?: string | undefined;
  durationMs: number;
  requestBytes: number;
  responseBytes: number;
}

/** A validated record with absent optional fields as null, as queued for the next batch. */
export interface NormalisedRecord {
  time: number;
  correlationId: string;
  principal: string;
  authMethod: string;
  clientAddress: string | null;
  sessionId: string | null;
  upstream: string | null;
  method: string;
  name: string | null;
  args: unknown;
  hasArgs: boolean;
  decision: AuditDecision;
  rule: string | null;
  status: AuditStatus;
  errorCode: string | null;
  durationMs: number;
  requestBytes: number;
  responseBytes: number;
}

/** The hashed content of a stored record: everything but its own hash. */
export interface AuditRecordContent {
  seq: number;
  time: number;
  correlationId: string;
  principal: string;
  authMethod: string;
  clientAddress: string | null;
  sessionId: string | null;
  upstream: string | null;
  method: string;
  name: string | null;
  /** SHA-256 (hex) of the canonical JSON of the raw arguments; null when the call had none. */
  argsDigest: string | null;
  /** Canonical JSON of the redacted arguments; null when the call had none. */
  args: string | null;
  decision: AuditDecision;
  rule: string | null;
  status: AuditStatus;
  errorCode: string | null;
  durationMs: number;
  requestBytes: number;
  responseBytes: number;
  prevHash: string;
}

/** A stored record: its content plus its chain hash. */
export interface AuditRecord extends AuditRecordContent {
  hash: string;
}

function text(value: unknown, field: string, optional: true): string | null;
function text(value: unknown, field: string, optional: false): string;
function text(value: unknown, field: string, optional: boolean): string | null {
  if (value === undefined && optional) return null;
  if (typeof value !== 'string') throw new TypeError(`audit record field ${field} must be a string`);
  const cut = value.length > MAX_AUDIT_FIELD_CHARS ? value.slice(0, MAX_AUDIT_FIELD_CHARS) : value;
  // The store keeps UTF-8, which cannot hold a lone surrogate (a client's tool name can carry one, and the cut
  // above can split a pair): hash what will be read back, or verify would report the record as tampered with.
  return cut.isWellFormed() ? cut : cut.toWellFormed();
}

function count(value: unknown, field: string, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`audit record field ${field} must be a non-negative number`);
  }
  return integer ? Math.trunc(value) : value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined)
    throw new TypeError(`audit record field ${field} is not one of ${allowed.join(', ')}`);
  return found;
}

/** Validates a record from the gateway and fills absent optional fields with null; throws a TypeError. */
export function normaliseRecord(input: unknown): NormalisedRecord {
  if (typeof input !== 'object' || input === null) throw new TypeError('audit record must be an object');
  const r = input as Record<string, unknown>;
  return {
    time: count(r.time, 'time', true),
    correlationId: text(r.correlationId, 'correlationId', false),
    principal: text(r.principal, 'principal', false),
    authMethod: text(r.authMethod, 'authMethod', false),
    clientAddress: text(r.clientAddress, 'clientAddress', true),
    sessionId: text(r.sessionId, 'sessionId', true),
    upstream: text(r.upstream, 'upstream', true),
    method: text(r.method, 'method', false),
    name: text(r.name, 'name', true),
    args: r.args,
    hasArgs: r.args !== undefined,
    decision: oneOf(r.decision, AUDIT_DECISIONS, 'decision'),
    rule: text(r.rule, 'rule', true),
    status: oneOf(r.status, AUDIT_STATUSES, 'status'),
    errorCode: text(r.errorCode, 'errorCode', true),
    durationMs: count(r.durationMs, 'durationMs', false),
    requestBytes: count(r.requestBytes, 'requestBytes', true),
    responseBytes: count(r.responseBytes, 'responseBytes', true),
  };
}
