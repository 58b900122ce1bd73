import type Database from 'better-sqlite3';
import {
  iterateRawRecords,
  iterateRenderedRecords,
  parseRawRecord,
  renderedContentJson,
  type StoredSeal,
} from '../store/sqlite/audit-reader.js';
import { macEquals, recordHash, sealMac, sha256Hex } from './chain.js';

/** The chain state just before a range: what its first record must follow. */
export interface RangeStart {
  /** Hash the first record must link to. */
  prevHash: string;
  /** Sequence number the first record must carry. */
  expected: number;
  /** Last sequence number covered by a seal before the range. */
  sealedThrough: number;
}

/** One slice of the chain to verify, with the state before it. */
export interface VerifyRange extends RangeStart {
  fromSeq: number;
  toSeq: number;
}

/** The outcome of verifying one range. */
export interface RangeResult {
  records: number;
  seals: number;
  /** Last sequence number seen (the start's expected - 1 when the range is empty). */
  lastSeq: number;
  sealedThrough: number;
  firstBad?: { seq: number; reason: string };
}

/** The running state of one range's verification. */
interface Walk {
  prev: string;
  expected: number;
  out: RangeResult;
}

/**
 * Verifies the records of one range in order: each must carry the next sequence number, match its own hash,
 * link to the previous hash, and match (and, with a key, authenticate) any seal at its position.
 *
 * A fast pass hashes the canonical JSON that SQLite renders; at the first row it cannot accept that way (a bad
 * record, or text it renders differently), the full pass takes over from that row and decides. Both passes read
 * one snapshot. A row the fast pass accepts hashes to its stored hash, so its content is what the writer hashed.
 */
export function verifyRange(
  db: Database.Database,
  range: VerifyRange,
  seals: ReadonlyMap<number, StoredSeal>,
  key: string | undefined,
): RangeResult {
  const walk = startWalk(range);
  const own = !db.inTransaction;
  if (own) db.exec('BEGIN');
  try {
    const stoppedAt = fastPass(db, range, seals, key, walk);
    if (stoppedAt === undefined || walk.out.firstBad) return walk.out;
    return fullPass(db, { ...range, fromSeq: stoppedAt }, seals, key, walk);
  } finally {
    if (own) db.exec('COMMIT');
  }
}

/** The reference pass alone: parses and checks every row (what {@link verifyRange} falls back to at a bad row). */
export function verifyRangeFully(
  db: Database.Database,
  range: VerifyRange,
  seals: ReadonlyMap<number, StoredSeal>,
  key: string | undefined,
): RangeResult {
  return fullPass(db, range, seals, key, startWalk(range));
}

function startWalk(range: VerifyRange): Walk {
  return {
    prev: range.prevHash,
    expected: range.expected,
    out: { records: 0, seals: 0, lastSeq: range.expected - 1, sealedThrough: range.sealedThrough },
  };
}

/**
 * Accepts rows whose rendered JSON hashes to their stored hash; returns the seq of the first row it could not
 * (the next expected one when the query fails, as on a BLOB), or undefined when it reached the range's end or a
 * seal failed.
 */
function fastPass(
  db: Database.Database,
  range: VerifyRange,
  seals: ReadonlyMap<number, StoredSeal>,
  key: string | undefined,
  walk: Walk,
): number | undefined {
  const rows = iterateRenderedRecords(db, range.fromSeq, range.toSeq);
  try {
    for (;;) {
      let next: IteratorResult<unknown[]>;
      try {
        next = rows.next();
      } catch {
        // The full pass reads the same rows without SQLite's rendering, and reports what it finds there.
        return walk.expected;
      }
      if (next.done === true) return undefined;
      const row = next.value;
      const seq = row[0] as number; // the INTEGER PRIMARY KEY: always an integer
      const prevHash = row[2];
      const hash = row[3];
      const json = renderedContentJson(row);
      if (
        json === undefined ||
        seq !== walk.expected ||
        prevHash !== walk.prev ||
        typeof hash !== 'string' ||
        sha256Hex(json) !== hash
      )
        return seq;
      if (!accept(walk, seq, hash, seals, key)) return undefined;
    }
  } finally {
    rows.return?.(); // frees the statement for the full pass
  }
}

/** Parses and checks every row from range.fromSeq on, naming the first bad one. */
function fullPass(
  db: Database.Database,
  range: VerifyRange,
  seals: ReadonlyMap<number, StoredSeal>,
  key: string | undefined,
  walk: Walk,
): RangeResult {
  const bad = (seq: number, reason: string): RangeResult => ({ ...walk.out, firstBad: { seq, reason } });
  for (const row of iterateRawRecords(db, range.fromSeq, range.toSeq)) {
    const r = parseRawRecord(row);
    if (r === undefined) return bad(typeof row[0] === 'number' ? row[0] : walk.expected, 'malformed record');
    if (r.seq !== walk.expected) return bad(r.seq, `records ${walk.expected}..${r.seq - 1} are missing`);
    if (recordHash(r, r.seq, r.prevHash) !== r.hash)
      return bad(r.seq, 'record content does not match its hash');
    if (r.prevHash !== walk.prev) return bad(r.seq, 'record does not link to the previous record');
    if (!accept(walk, r.seq, r.hash, seals, key)) return walk.out;
  }
  return walk.out;
}

/** Checks any seal at a verified record and advances the walk; false (with firstBad set) when the seal fails. */
function accept(
  walk: Walk,
  seq: number,
  hash: string,
  seals: ReadonlyMap<number, StoredSeal>,
  key: string | undefined,
): boolean {
  const out = walk.out;
  const seal = seals.get(seq);
  if (seal) {
    out.seals++;
    const from = out.sealedThrough + 1;
    if (key !== undefined && !macEquals(sealMac(key, seal.seq, seal.hash), seal.mac)) {
      out.firstBad = { seq: from, reason: `the seal at ${seal.seq} has an invalid MAC` };
      return false;
    }
    if (seal.hash !== hash) {
      out.firstBad = {
        seq: from,
        reason: `the seal at ${seal.seq} does not match the chain: a record in ${from}..${seal.seq} was altered`,
      };
      return false;
    }
    out.sealedThrough = seq;
  }
  walk.prev = hash;
  walk.expected++;
  out.records++;
  out.lastSeq = seq;
  return true;
}
