import Database from 'better-sqlite3';

/** One row of audit_records, as the tests read it. */
export interface AuditRow {
  seq: number;
  correlation_id: string;
  principal: string;
  auth_method: string;
  client_address: string | null;
  method: string;
  name: string | null;
  decision: string;
  rule: string | null;
  status: string;
  error_code: string | null;
}

/** Every audit record in a store file, in chain order. */
export function readAuditRows(file: string): AuditRow[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT * FROM audit_records ORDER BY seq').all() as AuditRow[];
  } finally {
    db.close();
  }
}
