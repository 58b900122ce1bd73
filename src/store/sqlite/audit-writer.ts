import type Database from 'better-sqlite3';
import { anchorMac, GENESIS_HASH, recordHash, sealMac } from '../../audit/chain.js';
import type { PreparedRecord } from '../../audit/prepare.js';

/** Options for {@link createAuditWriter}. */
export interface AuditWriterOptions {
  /** HMAC key for seals and anchors; without it the chain is kept but nothing is sealed. */
  sealKey?: string | undefined;
  /** Seal the head once this many records follow the last seal. */
  sealEveryRecords: number;
  /** Records older than this (and already sealed, when a key is set) are pruned. */
  retentionDays?: number | undefined;
}

/** Where the chain ends: the last record's sequence number and hash. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** Appends hash-chained records, seals heads and prunes old ranges on one SQLite connection. */
export interface AuditWriter {
  /** Appends the records in one transaction (sealing when due) and returns the new head. */
  appendBatch(records: readonly PreparedRecord[], now: number): ChainHead;
  /** Seals the current head if records follow the last seal; returns whether it did. */
  sealHead(now: number): boolean;
  /**
   * Deletes whole old ranges, writing the anchor in the same transaction, at most `maxRecords` of them (in
   * transactions of at most PRUNE_CHUNK_RECORDS); returns how many records went.
   */
  prune(now: number, maxRecords?: number): number;
  head(): ChainHead;
}

/** Most records deleted per prune transaction, so a large backlog never holds the write lock for long. */
const PRUNE_CHUNK_RECORDS = 50_000;
const DAY_MS = 86_400_000;

/** Creates the writer over an open connection whose schema includes AUDIT_MIGRATIONS. */
export function createAuditWriter(db: Database.Database, options: AuditWriterOptions): AuditWriter {
  const insert = db.prepare(
    `INSERT INTO audit_records (seq, time, correlation_id, principal, auth_method, client_address, session_id,
       upstream, method, name, args_digest, args, decision, rule, status, error_code, duration_ms, request_bytes,
       response_bytes, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertSeal = db.prepare(
    'INSERT OR REPLACE INTO audit_seals (seq, hash, mac, sealed_at) VALUES (?, ?, ?, ?)',
  );
  let head = readHead(db);
  let lastSealSeq = readNumber(db, 'SELECT max(seq) AS v FROM audit_seals') ?? 0;
  const key = options.sealKey;

  const appendTx = db.transaction((records: readonly PreparedRecord[], now: number): ChainHead => {
    let { seq, hash } = head;
    for (const r of records) {
      const next = recordHash(r, seq + 1, hash);
      insert.run(
        seq + 1,
        r.time,
        r.correlationId,
        r.principal,
        r.authMethod,
        r.clientAddress,
        r.sessionId,
        r.upstream,
        r.method,
        r.name,
        r.argsDigest,
        r.args,
        r.decision,
        r.rule,
        r.status,
        r.errorCode,
        r.durationMs,
        r.requestBytes,
        r.responseBytes,
        hash,
        next,
      );
      seq++;
      hash = next;
    }
    if (key !== undefined && seq - lastSealSeq >= options.sealEveryRecords) {
      insertSeal.run(seq, hash, sealMac(key, seq, hash), now);
    }
    return { seq, hash };
  });

  function appendBatch(records: readonly PreparedRecord[], now: number): ChainHead {
    const next = appendTx(records, now);
    head = next;
    if (key !== undefined && next.seq - lastSealSeq >= options.sealEveryRecords) lastSealSeq = next.seq;
    return next;
  }

  function sealHead(now: number): boolean {
    if (key === undefined || head.seq <= lastSealSeq || head.seq === 0) return false;
    insertSeal.run(head.seq, head.hash, sealMac(key, head.seq, head.hash), now);
    lastSealSeq = head.seq;
    return true;
  }

  const pruneTx = db.transaction((upTo: number, now: number): number => {
    const row = db
      .prepare<[number], { hash: string }>('SELECT hash FROM audit_records WHERE seq = ?')
      .get(upTo);
    if (!row) return 0;
    const deleted = db.prepare('DELETE FROM audit_records WHERE seq <= ?').run(upTo).changes;
    db.prepare('DELETE FROM audit_seals WHERE seq <= ?').run(upTo);
    db.prepare(
      `INSERT INTO audit_anchor (id, seq, hash, mac, pruned_at) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac,
         pruned_at = excluded.pruned_at`,
    ).run(upTo, row.hash, key === undefined ? null : anchorMac(key, upTo, row.hash), now);
    return deleted;
  });

  function prune(now: number, maxRecords = Number.POSITIVE_INFINITY): number {
    if (options.retentionDays === undefined || maxRecords < 1) return 0;
    const cutoff = now - options.retentionDays * DAY_MS;
    const firstKept = readNumber(db, 'SELECT min(seq) AS v FROM audit_records WHERE time >= ?', cutoff);
    let limit = firstKept === undefined ? head.seq : firstKept - 1;
    // With a key, only sealed ranges go: the anchor then rests on a verified seal.
    if (key !== undefined) limit = Math.min(limit, lastSealSeq);
    let total = 0;
    let from = readNumber(db, 'SELECT min(seq) AS v FROM audit_records') ?? limit + 1;
    while (from <= limit && total < maxRecords) {
      const upTo = Math.min(limit, from + Math.min(PRUNE_CHUNK_RECORDS, maxRecords - total) - 1);
      total += pruneTx(upTo, now);
      from = upTo + 1;
    }
    return total;
  }

  return { appendBatch, sealHead, prune, head: () => head };
}

function readNumber(db: Database.Database, sql: string, ...params: number[]): number | undefined {
  const row: unknown = db.prepare(sql).get(...params);
  const v = typeof row === 'object' && row !== null ? (row as { v?: unknown }).v : undefined;
  return typeof v === 'number' ? v : undefined;
}

/** The current chain head: the last record, else the retention anchor, else genesis. */
export function readHead(db: Database.Database): ChainHead {
  const last: unknown = db.prepare('SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1').get();
  const anchor: unknown = db.prepare('SELECT seq, hash FROM audit_anchor WHERE id = 1').get();
  return parseHead(last) ?? parseHead(anchor) ?? { seq: 0, hash: GENESIS_HASH };
}

function parseHead(row: unknown): ChainHead | undefined {
  if (typeof row !== 'object' || row === null) return undefined;
  const { seq, hash } = row as { seq?: unknown; hash?: unknown };
  return typeof seq === 'number' && typeof hash === 'string' ? { seq, hash } : undefined;
}
