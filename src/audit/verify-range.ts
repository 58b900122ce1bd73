import type Database from 'better-sqlite3';
import { iterateRawRecords, parseRawRecord, type StoredSeal } from '../store/sqlite/audit-reader.js';
import { macEquals, recordHash, sealMac } from './chain.js';

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

/**
 * Verifies the records of one range in order: each must carry the next sequence number, match its own hash,
 * link to the previous hash, and match (and, with a key, authenticate) any seal at its position.
 */
export function verifyRange(
  db: Database.Database,
  range: VerifyRange,
  seals: ReadonlyMap<number, StoredSeal>,
  key: string | undefined,
): RangeResult {
  let prev = range.prevHash;
  let expected = range.expected;
  const out: RangeResult = {
    records: 0,
    seals: 0,
    lastSeq: range.expected - 1,
    sealedThrough: range.sealedThrough,
  };
  const bad = (seq: number, reason: string): RangeResult => ({ ...out, firstBad: { seq, reason } });
  for (const row of iterateRawRecords(db, range.fromSeq, range.toSeq)) {
    const r = parseRawRecord(row);
    if (r === undefined) return bad(typeof row[0] === 'number' ? row[0] : expected, 'malformed record');
    if (r.seq !== expected) return bad(r.seq, `records ${expected}..${r.seq - 1} are missing`);
    if (recordHash(r, r.seq, r.prevHash) !== r.hash)
      return bad(r.seq, 'record content does not match its hash');
    if (r.prevHash !== prev) return bad(r.seq, 'record does not link to the previous record');
    const seal = seals.get(r.seq);
    if (seal) {
      out.seals++;
      const from = out.sealedThrough + 1;
      if (key !== undefined && !macEquals(sealMac(key, seal.seq, seal.hash), seal.mac)) {
        return bad(from, `the seal at ${seal.seq} has an invalid MAC`);
      }
      if (seal.hash !== r.hash) {
        return bad(
          from,
          `the seal at ${seal.seq} does not match the chain: a record in ${from}..${seal.seq} was altered`,
        );
      }
      out.sealedThrough = r.seq;
    }
    prev = r.hash;
    expected++;
    out.records++;
    out.lastSeq = r.seq;
  }
  return out;
}
