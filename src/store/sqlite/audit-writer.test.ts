import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, sealMac } from '../../audit/chain.js';
import { prepareRecord } from '../../audit/prepare.js';
import { normaliseRecord } from '../../audit/record.js';
import { createRedactor } from '../../audit/redact.js';
import { sampleRecord } from '../../audit/test-records.js';
import { verifyAuditDb } from '../../audit/verify.js';
import { AUDIT_MIGRATIONS } from './audit-schema.js';
import { createAuditWriter, readHead } from './audit-writer.js';
import { openSqlite } from './open.js';

const redactor = createRedactor();
const prepared = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => prepareRecord(normaliseRecord(sampleRecord(from + i)), redactor));

function open(): Database.Database {
  return openSqlite(':memory:', AUDIT_MIGRATIONS);
}

describe('createAuditWriter', () => {
  it('starts at genesis and seals at batch ends once the interval is reached', () => {
    const db = open();
    expect(readHead(db)).toEqual({ seq: 0, hash: GENESIS_HASH });
    const writer = createAuditWriter(db, { sealKey: 'k', sealEveryRecords: 4 });
    writer.appendBatch(prepared(1, 3), 10);
    writer.appendBatch(prepared(4, 3), 20);
    writer.appendBatch(prepared(7, 1), 30);
    const seals = db.prepare('SELECT seq, hash, mac, sealed_at FROM audit_seals').all();
    const head6 = db.prepare('SELECT hash FROM audit_records WHERE seq = 6').pluck().get() as string;
    expect(seals).toEqual([{ seq: 6, hash: head6, mac: sealMac('k', 6, head6), sealed_at: 20 }]);
    expect(writer.sealHead(40)).toBe(true);
    expect(writer.sealHead(50)).toBe(false);
    expect(writer.head().seq).toBe(7);
    expect(verifyAuditDb(db, { sealKey: 'k' })).toMatchObject({ ok: true, seals: 2, sealedThrough: 7 });
  });

  it('keeps the chain unsealed without a key', () => {
    const db = open();
    const writer = createAuditWriter(db, { sealEveryRecords: 1 });
    writer.appendBatch(prepared(1, 5), 1);
    expect(writer.sealHead(2)).toBe(false);
    expect(db.prepare('SELECT count(*) FROM audit_seals').pluck().get()).toBe(0);
    expect(verifyAuditDb(db)).toMatchObject({ ok: true, records: 5, unsealedRecords: 5 });
  });

  it('leaves the head unchanged when a batch fails, so the next batch links correctly', () => {
    const db = open();
    const writer = createAuditWriter(db, { sealEveryRecords: 100 });
    writer.appendBatch(prepared(1, 2), 1);
    const before = writer.head();
    const broken = { ...prepared(3, 1)[0]!, decision: null as unknown as 'allow' };
    expect(() => writer.appendBatch([...prepared(3, 1), broken], 1)).toThrow();
    expect(writer.head()).toEqual(before);
    writer.appendBatch(prepared(3, 1), 1);
    expect(verifyAuditDb(db)).toMatchObject({ ok: true, records: 3 });
  });

  it('prunes everything old without a key and keeps verifying from the anchor', () => {
    const db = open();
    const writer = createAuditWriter(db, { sealEveryRecords: 100, retentionDays: 1 });
    writer.appendBatch(prepared(1, 5), 1);
    expect(writer.prune(Date.now())).toBe(5);
    writer.appendBatch(
      prepared(6, 1).map((r) => ({ ...r, time: Date.now() })),
      1,
    );
    expect(db.prepare('SELECT seq, mac FROM audit_anchor').get()).toEqual({ seq: 5, mac: null });
    expect(verifyAuditDb(db)).toMatchObject({ ok: true, anchorSeq: 5, records: 1, lastSeq: 6 });
    expect(writer.prune(Date.now())).toBe(0);
  });

  it('does not prune without a retention setting', () => {
    const db = open();
    const writer = createAuditWriter(db, { sealEveryRecords: 100 });
    writer.appendBatch(prepared(1, 3), 1);
    expect(writer.prune(Date.now())).toBe(0);
  });
});
