import type Database from 'better-sqlite3';
import type { AuditDecision, AuditRecord, AuditStatus } from '../../audit/record.js';
import { AUDIT_COLUMNS } from './audit-schema.js';
import { parseRawRecord } from './audit-reader.js';

/** Filters for {@link searchAuditRecords}; every given one must match. */
export interface AuditSearchFilter {
  principal?: string | undefined;
  /** Tool, resource or prompt name. */
  name?: string | undefined;
  decision?: AuditDecision | undefined;
  status?: AuditStatus | undefined;
  /** Epoch ms, inclusive. */
  since?: number | undefined;
  /** Epoch ms, exclusive. */
  until?: number | undefined;
  correlationId?: string | undefined;
  /** Only records after this sequence number (for paging and follow). */
  afterSeq?: number | undefined;
  /** @default 1000 */
  limit?: number | undefined;
}

/** Default and largest number of rows one search returns. */
export const DEFAULT_SEARCH_LIMIT = 1000;
const SELECT_COLUMNS = AUDIT_COLUMNS.join(', ');

/** Records matching the filter, oldest first. Rows that fail to parse are skipped (verify reports them). */
export function searchAuditRecords(db: Database.Database, filter: AuditSearchFilter = {}): AuditRecord[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const add = (sql: string, value: string | number | undefined): void => {
    if (value === undefined) return;
    where.push(sql);
    params.push(value);
  };
  add('principal = ?', filter.principal);
  add('name = ?', filter.name);
  add('decision = ?', filter.decision);
  add('status = ?', filter.status);
  add('time >= ?', filter.since);
  add('time < ?', filter.until);
  add('correlation_id = ?', filter.correlationId);
  add('seq > ?', filter.afterSeq);
  const limit = Math.max(1, Math.min(filter.limit ?? DEFAULT_SEARCH_LIMIT, 1_000_000));
  const sql =
    `SELECT ${SELECT_COLUMNS} FROM audit_records` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY seq LIMIT ${limit}`;
  return parseRows(
    db
      .prepare(sql)
      .raw(true)
      .all(...params),
  );
}

/** The last `count` records, oldest first. */
export function tailAuditRecords(db: Database.Database, count: number): AuditRecord[] {
  const n = Math.max(0, Math.min(Math.trunc(count), 1_000_000));
  const rows = db
    .prepare(`SELECT ${SELECT_COLUMNS} FROM audit_records ORDER BY seq DESC LIMIT ?`)
    .raw(true)
    .all(n);
  return parseRows(rows).reverse();
}

/** Streams every record with seq > afterSeq in order, parsed. */
export function* iterateAuditRecords(db: Database.Database, afterSeq = 0): Generator<AuditRecord> {
  const statement = db
    .prepare(`SELECT ${SELECT_COLUMNS} FROM audit_records WHERE seq > ? ORDER BY seq`)
    .raw(true);
  for (const row of statement.iterate(afterSeq)) {
    const record = Array.isArray(row) ? parseRawRecord(row) : undefined;
    if (record) yield record;
  }
}

function parseRows(rows: unknown[]): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (const row of rows) {
    const record = Array.isArray(row) ? parseRawRecord(row) : undefined;
    if (record) out.push(record);
  }
  return out;
}
