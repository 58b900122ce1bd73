import type { SqliteMigration } from './open.js';

/** Columns of audit_records in the order every raw (array) read uses. */
export const AUDIT_COLUMNS = [
  'seq',
  'time',
  'correlation_id',
  'principal',
  'auth_method',
  'client_address',
  'session_id',
  'upstream',
  'method',
  'name',
  'args_digest',
  'args',
  'decision',
  'rule',
  'status',
  'error_code',
  'duration_ms',
  'request_bytes',
  'response_bytes',
  'prev_hash',
  'hash',
] as const;

/** Schema of the audit log: the hash-chained records, the HMAC seals of chain heads, and the retention anchor. */
export const AUDIT_MIGRATIONS: readonly SqliteMigration[] = [
  {
    name: 'audit.v1',
    sql: `
      CREATE TABLE IF NOT EXISTS audit_records (
        seq INTEGER PRIMARY KEY,
        time INTEGER NOT NULL,
        correlation_id TEXT NOT NULL,
        principal TEXT NOT NULL,
        auth_method TEXT NOT NULL,
        client_address TEXT,
        session_id TEXT,
        upstream TEXT,
        method TEXT NOT NULL,
        name TEXT,
        args_digest TEXT,
        args TEXT,
        decision TEXT NOT NULL,
        rule TEXT,
        status TEXT NOT NULL,
        error_code TEXT,
        duration_ms REAL NOT NULL,
        request_bytes INTEGER NOT NULL,
        response_bytes INTEGER NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS audit_records_time ON audit_records (time);
      CREATE INDEX IF NOT EXISTS audit_records_correlation ON audit_records (correlation_id);
      CREATE TABLE IF NOT EXISTS audit_seals (
        seq INTEGER PRIMARY KEY,
        hash TEXT NOT NULL,
        mac TEXT NOT NULL,
        sealed_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS audit_anchor (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL,
        mac TEXT,
        pruned_at INTEGER NOT NULL
      );
    `,
  },
];
