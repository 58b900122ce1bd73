import type Database from 'better-sqlite3';
import { AUDIT_DECISIONS, AUDIT_STATUSES, type AuditRecord } from '../../audit/record.js';
import { AUDIT_COLUMNS } from './audit-schema.js';

/** A seal as stored: the sealed head and its MAC. */
export interface StoredSeal {
  seq: number;
  hash: string;
  mac: string;
}

/** The retention anchor: where the remaining chain starts. */
export interface StoredAnchor {
  seq: number;
  hash: string;
  mac: string | null;
}

const SELECT_COLUMNS = AUDIT_COLUMNS.join(', ');

/** Streams stored records as raw column arrays (AUDIT_COLUMNS order) with fromSeq <= seq <= toSeq, in seq order. */
export function iterateRawRecords(
  db: Database.Database,
  fromSeq = 0,
  toSeq = Number.MAX_SAFE_INTEGER,
): IterableIterator<unknown[]> {
  const statement = db
    .prepare(`SELECT ${SELECT_COLUMNS} FROM audit_records WHERE seq >= ? AND seq <= ? ORDER BY seq`)
    .raw(true);
  return statement.iterate(fromSeq, toSeq) as IterableIterator<unknown[]>;
}

const q = (column: string): string => `json_quote(${column})`;

/**
 * The statement behind {@link iterateRenderedRecords}: every field of a record but its duration rendered by
 * SQLite as the canonical JSON that `recordContentJson` (audit/chain.ts) builds, in two pieces around the
 * duration. `json_quote` escapes text exactly as `JSON.stringify` does (a test pins the two renderings to each
 * other) and renders an INTEGER as its digits, while a REAL always shows a point or an exponent and text is
 * quoted, so a column of another type than the writer's renders differently. The duration, a REAL, is left to
 * JavaScript, whose shortest round-trip rendering SQLite does not share. A BLOB, which the writer never stores,
 * makes `json_quote` fail the query: the caller then falls back to parsing rows.
 */
const RENDERED_SELECT = `SELECT seq, duration_ms, prev_hash, hash,
  '{"args":' || ${q('args')} || ',"argsDigest":' || ${q('args_digest')} || ',"authMethod":' || ${q('auth_method')} ||
    ',"clientAddress":' || ${q('client_address')} || ',"correlationId":' || ${q('correlation_id')} ||
    ',"decision":' || ${q('decision')} || ',"durationMs":',
  ',"errorCode":' || ${q('error_code')} || ',"method":' || ${q('method')} || ',"name":' || ${q('name')} ||
    ',"prevHash":' || ${q('prev_hash')} || ',"principal":' || ${q('principal')} ||
    ',"requestBytes":' || ${q('request_bytes')} || ',"responseBytes":' || ${q('response_bytes')} ||
    ',"rule":' || ${q('rule')} || ',"seq":' || ${q('seq')} || ',"sessionId":' || ${q('session_id')} ||
    ',"status":' || ${q('status')} || ',"time":' || ${q('time')} || ',"upstream":' || ${q('upstream')} || '}'
  FROM audit_records WHERE seq >= ? AND seq <= ? ORDER BY seq`;

/**
 * Streams records with fromSeq <= seq <= toSeq, in seq order, as verify's fast pass reads them: seq,
 * durationMs, prevHash, hash, then the two pieces of the canonical JSON around the duration (see
 * {@link renderedContentJson}). Six columns instead of twenty-one, and no per-field work in JavaScript. The
 * iteration throws at a row holding a BLOB.
 */
export function iterateRenderedRecords(
  db: Database.Database,
  fromSeq: number,
  toSeq: number,
): IterableIterator<unknown[]> {
  return db.prepare(RENDERED_SELECT).raw(true).iterate(fromSeq, toSeq) as IterableIterator<unknown[]>;
}

/**
 * The canonical JSON of a row from {@link iterateRenderedRecords}, its duration rendered as `recordContentJson`
 * renders it; undefined when a column does not have the type the writer stores, so the caller can fall back
 * to parsing the row.
 */
export function renderedContentJson(row: readonly unknown[]): string | undefined {
  const [, durationMs, , , head, tail] = row;
  if (typeof durationMs !== 'number' || typeof head !== 'string' || typeof tail !== 'string')
    return undefined;
  return `${head}${durationMs}${tail}`;
}

/** Every seal, keyed by sequence number. */
export function readSeals(db: Database.Database): Map<number, StoredSeal> {
  const seals = new Map<number, StoredSeal>();
  for (const row of db.prepare('SELECT seq, hash, mac FROM audit_seals ORDER BY seq').iterate()) {
    const r = row as Record<string, unknown>;
    if (typeof r.seq === 'number' && typeof r.hash === 'string' && typeof r.mac === 'string') {
      seals.set(r.seq, { seq: r.seq, hash: r.hash, mac: r.mac });
    }
  }
  return seals;
}

/** The retention anchor, if records were ever pruned. */
export function readAnchor(db: Database.Database): StoredAnchor | undefined {
  const row: unknown = db.prepare('SELECT seq, hash, mac FROM audit_anchor WHERE id = 1').get();
  if (typeof row !== 'object' || row === null) return undefined;
  const { seq, hash, mac } = row as Record<string, unknown>;
  if (typeof seq !== 'number' || typeof hash !== 'string') return undefined;
  return { seq, hash, mac: typeof mac === 'string' ? mac : null };
}

/** Parses one raw row (AUDIT_COLUMNS order); undefined when a column has the wrong type or value. */
export function parseRawRecord(row: readonly unknown[]): AuditRecord | undefined {
  const seq = row[0],
    time = row[1],
    correlationId = row[2],
    principal = row[3],
    authMethod = row[4];
  const clientAddress = row[5],
    sessionId = row[6],
    upstream = row[7],
    method = row[8],
    name = row[9];
  const argsDigest = row[10],
    args = row[11],
    decision = row[12],
    rule = row[13],
    status = row[14];
  const errorCode = row[15],
    durationMs = row[16],
    requestBytes = row[17],
    responseBytes = row[18];
  const prevHash = row[19],
    hash = row[20];
  const dec = AUDIT_DECISIONS.find((d) => d === decision);
  const st = AUDIT_STATUSES.find((s) => s === status);
  if (
    typeof seq !== 'number' ||
    typeof time !== 'number' ||
    typeof correlationId !== 'string' ||
    typeof principal !== 'string' ||
    typeof authMethod !== 'string' ||
    !optText(clientAddress) ||
    !optText(sessionId) ||
    !optText(upstream) ||
    typeof method !== 'string' ||
    !optText(name) ||
    !optText(argsDigest) ||
    !optText(args) ||
    dec === undefined ||
    !optText(rule) ||
    st === undefined ||
    !optText(errorCode) ||
    typeof durationMs !== 'number' ||
    typeof requestBytes !== 'number' ||
    typeof responseBytes !== 'number' ||
    typeof prevHash !== 'string' ||
    typeof hash !== 'string'
  ) {
    return undefined;
  }
  return {
    seq,
    time,
    correlationId,
    principal,
    authMethod,
    clientAddress,
    sessionId,
    upstream,
    method,
    name,
    argsDigest,
    args,
    decision: dec,
    rule,
    status: st,
    errorCode,
    durationMs,
    requestBytes,
    responseBytes,
    prevHash,
    hash,
  };
}

function optText(v: unknown): v is string | null {
  return v === null || typeof v === 'string';
}
