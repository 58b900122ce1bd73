import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, recordContentJson } from '../../audit/chain.js';
import { prepareRecord } from '../../audit/prepare.js';
import { normaliseRecord } from '../../audit/record.js';
import { createRedactor } from '../../audit/redact.js';
import { sampleRecord } from '../../audit/test-records.js';
import { verifyRange, verifyRangeFully } from '../../audit/verify-range.js';
import { verifyAuditDb } from '../../audit/verify.js';
import {
  iterateRawRecords,
  iterateRenderedRecords,
  parseRawRecord,
  readSeals,
  renderedContentJson,
} from './audit-reader.js';
import { AUDIT_MIGRATIONS } from './audit-schema.js';
import { createAuditWriter } from './audit-writer.js';
import { openSqlite } from './open.js';

/** Text that JSON escapes in every way it can: controls, quotes, backslashes, DEL, separators, astral, empty. */
const TRICKY = [
  '',
  'plain',
  'quote " and backslash \\ and slash /',
  Array.from({ length: 32 }, (_, c) => String.fromCharCode(c)).join(''),
  '\u007f\u0080\u00ff\u2028\u2029\ufeff\ufffd',
  'emoji 😀 and han 漢字 and a combining e\u0301',
  '{"looks":"like json"}',
];

function buildTrickyLog(): Database.Database {
  const db = openSqlite(':memory:', AUDIT_MIGRATIONS);
  const writer = createAuditWriter(db, { sealKey: 'k', sealEveryRecords: 4 });
  const redactor = createRedactor();
  let i = 0;
  for (const text of TRICKY) {
    for (const overrides of [
      { name: text, principal: text || 'p', correlationId: `c-${i}`, args: { text } },
      { clientAddress: undefined, sessionId: undefined, upstream: text, rule: undefined, args: undefined },
      { errorCode: text, durationMs: 0.1 + 0.2, requestBytes: 0, responseBytes: 2 ** 40 },
    ]) {
      writer.appendBatch([prepareRecord(normaliseRecord(sampleRecord(++i, overrides)), redactor)], 1);
    }
  }
  return db;
}

describe("the rendered rows of verify's fast pass", () => {
  it('give exactly the canonical JSON that recordContentJson builds, for every kind of text', () => {
    const db = buildTrickyLog();
    const full = [...iterateRawRecords(db)].map((row) => parseRawRecord(row)!);
    const rendered = [...iterateRenderedRecords(db, 0, Number.MAX_SAFE_INTEGER)];
    expect(rendered).toHaveLength(TRICKY.length * 3);
    rendered.forEach((row, k) => {
      const r = full[k]!;
      expect(renderedContentJson(row)).toBe(recordContentJson(r, r.seq, r.prevHash));
    });
    expect(verifyAuditDb(db, { sealKey: 'k' })).toMatchObject({ ok: true, records: TRICKY.length * 3 });
    db.close();
  });

  it('fall back to the full pass for columns of the wrong type, which names the record as malformed', () => {
    for (const [column, value] of [
      ['principal', Buffer.from('p')],
      ['args', Buffer.from('{}')],
      ['request_bytes', 'many'],
      ['time', 'yesterday'],
      ['duration_ms', Buffer.from([1])],
      ['hash', Buffer.from('h')],
    ] as const) {
      const db = buildTrickyLog();
      db.prepare(`UPDATE audit_records SET ${column} = ? WHERE seq = 5`).run(value);
      expect(verifyAuditDb(db).firstBad, `${column}`).toEqual({ seq: 5, reason: 'malformed record' });
      db.close();
    }
  });

  it('reach the verdict of the reference pass, which parses every row, on ten kinds of tampering and an untouched log', () => {
    const tamperings = [
      "UPDATE audit_records SET principal = principal || 'x' WHERE seq = 4",
      'UPDATE audit_records SET args = NULL WHERE seq = 7',
      'UPDATE audit_records SET duration_ms = duration_ms + 1e-9 WHERE seq = 9',
      'DELETE FROM audit_records WHERE seq = 7',
      'UPDATE audit_records SET seq = 100 WHERE seq = 3',
      'UPDATE audit_records SET prev_hash = hash WHERE seq = 10',
      "UPDATE audit_records SET status = 'maybe' WHERE seq = 2",
      "UPDATE audit_seals SET hash = 'f' WHERE seq = 8",
      "UPDATE audit_records SET upstream = x'6162' WHERE seq = 6",
      'UPDATE audit_records SET request_bytes = request_bytes + 0.5 WHERE seq = 11',
      'SELECT 1',
    ];
    for (const tampering of tamperings) {
      const db = buildTrickyLog();
      db.exec(tampering);
      const seals = readSeals(db);
      const range = {
        prevHash: GENESIS_HASH,
        expected: 1,
        sealedThrough: 0,
        fromSeq: Number.MIN_SAFE_INTEGER,
        toSeq: Number.MAX_SAFE_INTEGER,
      };
      const fast = verifyRange(db, range, seals, 'k');
      expect(fast, tampering).toEqual(verifyRangeFully(db, range, seals, 'k'));
      expect(fast.firstBad !== undefined, tampering).toBe(tampering !== 'SELECT 1');
      db.close();
    }
  });
});
