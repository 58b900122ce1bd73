import { canonicalJson } from './canonical-json.js';
import { sha256Hex } from './chain.js';
import type { AuditRecordContent, NormalisedRecord } from './record.js';
import type { Redactor } from './redact.js';

/** Longest redacted-arguments JSON stored in a record; longer ones are replaced by a stub (the digest still covers them). */
export const MAX_STORED_ARGS_CHARS = 64 * 1024;

/** A record ready for the chain: everything but its position (seq, prevHash). */
export type PreparedRecord = Omit<AuditRecordContent, 'seq' | 'prevHash'>;

/** Digests the raw arguments and stores their redacted form; arguments JSON cannot represent are marked, not lost. */
export function prepareRecord(record: NormalisedRecord, redactor: Redactor): PreparedRecord {
  let argsDigest: string | null = null;
  let args: string | null = null;
  if (record.hasArgs) {
    try {
      const raw = canonicalJson(record.args);
      argsDigest = sha256Hex(raw);
      const redacted = redactor.redactValueReport(record.args);
      args = redacted.changed ? canonicalJson(redacted.value) : raw;
      if (args.length > MAX_STORED_ARGS_CHARS) args = canonicalJson({ $truncated: true, chars: args.length });
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'unserialisable';
      argsDigest = sha256Hex(`unserialisable:${reason}`);
      args = canonicalJson({ $unserialisable: reason });
    }
  }
  return {
    time: record.time,
    correlationId: redactor.redactText(record.correlationId),
    principal: record.principal,
    authMethod: record.authMethod,
    clientAddress: record.clientAddress,
    sessionId: record.sessionId,
    upstream: record.upstream,
    method: record.method,
    name: record.name === null ? null : redactor.redactText(record.name),
    argsDigest,
    args,
    decision: record.decision,
    rule: record.rule,
    status: record.status,
    errorCode: record.errorCode,
    durationMs: record.durationMs,
    requestBytes: record.requestBytes,
    responseBytes: record.responseBytes,
  };
}
