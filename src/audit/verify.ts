import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { WardenError } from '../errors/index.js';
import { readAnchor, readSeals, type StoredAnchor, type StoredSeal } from '../store/sqlite/audit-reader.js';
import { openSqlite } from '../store/sqlite/open.js';
import { anchorMac, GENESIS_HASH, macEquals } from './chain.js';
import { verifyRange, type RangeResult, type VerifyRange } from './verify-range.js';
import { startAuditWorker } from './worker-thread.js';

/** Logs smaller than this are verified on the calling thread: starting threads would cost more than it saves. */
export const PARALLEL_VERIFY_MIN_RECORDS = 200_000;
/** Most threads one verification uses. */
export const MAX_VERIFY_THREADS = 4;

/** Options for {@link verifyAudit}. */
export interface VerifyAuditOptions {
  /** The seal key; without it seal MACs and the retention anchor cannot be authenticated. */
  sealKey?: string | undefined;
  /** Threads to use. @default 1 below PARALLEL_VERIFY_MIN_RECORDS records, else min(available cores, 4) */
  threads?: number | undefined;
}

/** The first record verification rejects, and why. */
export interface VerifyFailure {
  seq: number;
  reason: string;
}

/** The outcome of {@link verifyAudit}. */
export interface VerifyResult {
  ok: boolean;
  /** Records checked (all of them when ok). */
  records: number;
  /** Sequence number the remaining chain starts after (0 unless retention pruned). */
  anchorSeq: number;
  lastSeq: number;
  /** Seals found and checked against the chain. */
  seals: number;
  /** True when seal MACs were authenticated with the key. */
  sealsAuthenticated: boolean;
  /** Last sequence number covered by a valid seal (the anchor's when none follows it). */
  sealedThrough: number;
  /** Records after the last valid seal: their integrity rests on the chain alone. */
  unsealedRecords: number;
  firstBad?: VerifyFailure;
}

interface ChainFacts {
  anchor: StoredAnchor | undefined;
  seals: Map<number, StoredSeal>;
  maxSeq: number;
  ranges: VerifyRange[];
}

function openReadOnly(file: string): Database.Database {
  try {
    return openSqlite(file, [], { readonly: true });
  } catch (cause) {
    throw new WardenError('STORE_UNAVAILABLE', 'audit store could not be opened', { cause });
  }
}

/**
 * Verifies the audit chain, its seals and its retention anchor in the store file; large logs are split into
 * seq ranges checked in parallel threads, each starting from the stored state just before its range.
 */
export async function verifyAudit(file: string, options: VerifyAuditOptions = {}): Promise<VerifyResult> {
  const db = openReadOnly(file);
  let facts: ChainFacts;
  try {
    const threads =
      options.threads ??
      (countRecords(db) >= PARALLEL_VERIFY_MIN_RECORDS
        ? Math.min(availableParallelism(), MAX_VERIFY_THREADS)
        : 1);
    facts = readFacts(db, Math.max(1, Math.trunc(threads)));
    if (facts.ranges.length <= 1)
      return combine(
        facts,
        options,
        facts.ranges.map((r) => verifyRange(db, r, facts.seals, options.sealKey)),
      );
  } finally {
    db.close();
  }
  const results = await Promise.all(
    facts.ranges.map((range) => runRangeThread(file, range, options.sealKey)),
  );
  return combine(facts, options, results);
}

/** Verifies the chain on an open connection, on the calling thread. */
export function verifyAuditDb(db: Database.Database, options: VerifyAuditOptions = {}): VerifyResult {
  const facts = readFacts(db, 1);
  return combine(
    facts,
    options,
    facts.ranges.map((r) => verifyRange(db, r, facts.seals, options.sealKey)),
  );
}

function combine(
  facts: ChainFacts,
  options: VerifyAuditOptions,
  results: readonly RangeResult[],
): VerifyResult {
  const key = options.sealKey;
  const anchorSeq = facts.anchor?.seq ?? 0;
  const result: VerifyResult = {
    ok: true,
    records: 0,
    anchorSeq,
    lastSeq: anchorSeq,
    seals: 0,
    sealsAuthenticated: key !== undefined,
    sealedThrough: anchorSeq,
    unsealedRecords: 0,
  };
  const bad = (seq: number, reason: string): VerifyResult => ({
    ...result,
    ok: false,
    firstBad: { seq, reason },
  });
  const anchor = facts.anchor;
  if (
    anchor &&
    key !== undefined &&
    (anchor.mac === null || !macEquals(anchorMac(key, anchor.seq, anchor.hash), anchor.mac))
  ) {
    return bad(anchor.seq + 1, 'the retention anchor is not sealed by this key');
  }
  // Ranges are in seq order; each started from the stored state before it, which is the true state whenever
  // every earlier range passed. So the first failing range holds the first bad record.
  for (const r of results) {
    result.records += r.records;
    result.seals += r.seals;
    if (r.records > 0) result.lastSeq = r.lastSeq;
    result.sealedThrough = Math.max(result.sealedThrough, r.sealedThrough);
    if (r.firstBad) return bad(r.firstBad.seq, r.firstBad.reason);
  }
  result.unsealedRecords = result.lastSeq - result.sealedThrough;
  for (const seq of facts.seals.keys()) {
    if (seq > result.lastSeq) {
      return bad(result.lastSeq + 1, `records ${result.lastSeq + 1}..${seq} are missing (sealed at ${seq})`);
    }
  }
  return result;
}

function readFacts(db: Database.Database, parts: number): ChainFacts {
  const anchor = readAnchor(db);
  const seals = readSeals(db);
  const anchorSeq = anchor?.seq ?? 0;
  const maxSeq = numberOf(db.prepare('SELECT max(seq) AS v FROM audit_records').get()) ?? anchorSeq;
  const first = anchorSeq + 1;
  const span = Math.max(0, maxSeq - anchorSeq);
  const size = Math.max(1, Math.ceil(span / Math.max(1, parts)));
  const ranges: VerifyRange[] = [];
  // The first range also takes any rows at or below the anchor, which then fail the sequence check.
  for (let from = first, k = 0; k < parts && (from <= maxSeq || k === 0); from += size, k++) {
    const to = k === parts - 1 ? Number.MAX_SAFE_INTEGER : from + size - 1;
    const start =
      k === 0
        ? { prevHash: anchor?.hash ?? GENESIS_HASH, expected: first, sealedThrough: anchorSeq }
        : startBefore(db, from, seals, anchor);
    ranges.push({ ...start, fromSeq: k === 0 ? Number.MIN_SAFE_INTEGER : from, toSeq: to });
  }
  return { anchor, seals, maxSeq, ranges };
}

function startBefore(
  db: Database.Database,
  from: number,
  seals: ReadonlyMap<number, StoredSeal>,
  anchor: StoredAnchor | undefined,
) {
  const row: unknown = db
    .prepare('SELECT seq, hash FROM audit_records WHERE seq < ? ORDER BY seq DESC LIMIT 1')
    .get(from);
  const r = typeof row === 'object' && row !== null ? (row as { seq?: unknown; hash?: unknown }) : {};
  const seq = typeof r.seq === 'number' ? r.seq : (anchor?.seq ?? 0);
  const hash = typeof r.hash === 'string' ? r.hash : (anchor?.hash ?? GENESIS_HASH);
  let sealedThrough = anchor?.seq ?? 0;
  for (const s of seals.keys()) if (s < from && s > sealedThrough) sealedThrough = s;
  return { prevHash: hash, expected: seq + 1, sealedThrough };
}

function countRecords(db: Database.Database): number {
  return numberOf(db.prepare('SELECT count(*) AS v FROM audit_records').get()) ?? 0;
}

function numberOf(row: unknown): number | undefined {
  const v = typeof row === 'object' && row !== null ? (row as { v?: unknown }).v : undefined;
  return typeof v === 'number' ? v : undefined;
}

async function runRangeThread(
  file: string,
  range: VerifyRange,
  sealKey: string | undefined,
): Promise<RangeResult> {
  const worker: Worker = await startAuditWorker('verify-worker', { file, sealKey, range });
  return new Promise<RangeResult>((resolve, reject) => {
    worker.once('message', (value: unknown) => resolve(value as RangeResult));
    worker.once('error', (cause) =>
      reject(new WardenError('STORE_UNAVAILABLE', 'audit verification thread failed', { cause })),
    );
    worker.once('exit', (code) => {
      if (code !== 0) reject(new WardenError('STORE_UNAVAILABLE', 'audit verification thread failed'));
    });
  });
}
