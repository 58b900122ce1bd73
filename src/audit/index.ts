export { canonicalJson, MAX_CANONICAL_DEPTH } from './canonical-json.js';
export { createRedactor, shannonBitsPerChar, type Redactor, type RedactorOptions } from './redact.js';
export { SECRET_PATTERNS, type SecretPattern } from './secret-patterns.js';
export {
  AUDIT_DECISIONS,
  AUDIT_STATUSES,
  MAX_AUDIT_FIELD_CHARS,
  normaliseRecord,
  type AuditDecision,
  type AuditRecord,
  type AuditRecordContent,
  type AuditRecordInput,
  type AuditStatus,
  type NormalisedRecord,
} from './record.js';
export {
  GENESIS_HASH,
  recordContentJson,
  recordHash,
  sealMac,
  anchorMac,
  type UnchainedContent,
} from './chain.js';
export {
  openAuditLog,
  DEFAULT_SEAL_EVERY_RECORDS,
  MAX_BATCH_RECORDS,
  PRUNE_INTERVAL_MS,
  type AuditDurability,
  type AuditLog,
  type AuditLogStats,
  type OpenAuditLogOptions,
} from './audit-log.js';
export {
  verifyAudit,
  verifyAuditDb,
  type VerifyAuditOptions,
  type VerifyFailure,
  type VerifyResult,
} from './verify.js';
export { prepareRecord, MAX_STORED_ARGS_CHARS, type PreparedRecord } from './prepare.js';
