import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_MIGRATIONS } from '../store/sqlite/audit-schema.js';
import { createAuditWriter } from '../store/sqlite/audit-writer.js';
import { openSqlite } from '../store/sqlite/open.js';
import { isWardenError } from '../errors/index.js';
import { recordHash } from './chain.js';
import { prepareRecord } from './prepare.js';
import { normaliseRecord } from './record.js';
import { createRedactor } from './redact.js';
import { sampleRecord } from './test-records.js';
import { verifyAudit } from './verify.js';
import { parseRawRecord } from '../store/sqlite/audit-reader.js';
import { AUDIT_COLUMNS } from '../store/sqlite/audit-schema.js';

const KEY = 'verify-test-key';
let dir: string;
let file: string;
let template: string;

/** Builds a sealed 20-record log synchronously (seals at 5, 10, 15, 20) through the real writer. */
function buildLog(target: string, sealKey: string | undefined = KEY): void {
  const db = openSqlite(target, AUDIT_MIGRATIONS);
  const writer = createAuditWriter(db, { sealKey, sealEveryRecords: 5 });
  const redactor = createRedactor();
  for (let i = 1; i <= 20; i++)
    writer.appendBatch([prepareRecord(normaliseRecord(sampleRecord(i)), redactor)], 1);
  db.close();
}

function sql(statement: string, ...params: unknown[]): void {
  const db = new Database(file);
  db.prepare(statement).run(...params);
  db.close();
}

/** Recomputes every hash from `fromSeq` on, as an attacker without the seal key would after an edit. */
function rehashFrom(fromSeq: number): void {
  const db = new Database(file);
  const rows = db
    .prepare(`SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit_records WHERE seq >= ? ORDER BY seq`)
    .raw(true)
    .all(fromSeq);
  let prev = (db.prepare('SELECT hash FROM audit_records WHERE seq = ?').get(fromSeq - 1) as { hash: string })
    .hash;
  const update = db.prepare('UPDATE audit_records SET prev_hash = ?, hash = ? WHERE seq = ?');
  for (const row of rows) {
    const r = parseRawRecord(row as unknown[])!;
    const hash = recordHash(r, r.seq, prev);
    update.run(prev, hash, r.seq);
    prev = hash;
  }
  db.close();
}

beforeAll(() => {
  const base = mkdtempSync(join(tmpdir(), 'warden-verify-template-'));
  template = join(base, 'template.db');
  buildLog(template);
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-verify-'));
  file = join(dir, 'audit.db');
  const source = new Database(template, { readonly: true });
  source.exec(`VACUUM INTO '${file}'`);
  source.close();
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe.each([1, 3])('verifyAudit with %i thread(s)', (threads) => {
  it('accepts an untouched log and reports its seals', async () => {
    expect(await verifyAudit(file, { sealKey: KEY, threads })).toEqual({
      ok: true,
      records: 20,
      anchorSeq: 0,
      lastSeq: 20,
      seals: 4,
      sealsAuthenticated: true,
      sealedThrough: 20,
      unsealedRecords: 0,
    });
    expect(await verifyAudit(file, { threads })).toMatchObject({
      ok: true,
      sealsAuthenticated: false,
      seals: 4,
    });
  });

  it('accepts an empty log', async () => {
    const empty = join(dir, 'empty.db');
    openSqlite(empty, AUDIT_MIGRATIONS).close();
    expect(await verifyAudit(empty, { threads })).toMatchObject({ ok: true, records: 0, lastSeq: 0 });
  });

  it('names an edited field', async () => {
    sql("UPDATE audit_records SET principal = 'mallory' WHERE seq = 7");
    expect((await verifyAudit(file, { threads })).firstBad).toEqual({
      seq: 7,
      reason: 'record content does not match its hash',
    });
  });

  it('names an edited redacted-arguments column', async () => {
    sql(`UPDATE audit_records SET args = '{"path":"/innocent"}' WHERE seq = 3`);
    expect((await verifyAudit(file, { threads })).firstBad).toEqual({
      seq: 3,
      reason: 'record content does not match its hash',
    });
  });

  it('names the record after a deleted one', async () => {
    sql('DELETE FROM audit_records WHERE seq = 9');
    expect((await verifyAudit(file, { threads })).firstBad).toEqual({
      seq: 10,
      reason: 'records 9..9 are missing',
    });
  });

  it('names an inserted record', async () => {
    sql(`INSERT INTO audit_records SELECT 21, time, correlation_id, principal, auth_method, client_address, session_id,
      upstream, method, name, args_digest, args, decision, rule, status, error_code, duration_ms, request_bytes,
      response_bytes, hash, hash FROM audit_records WHERE seq = 20`);
    expect((await verifyAudit(file, { threads })).firstBad).toEqual({
      seq: 21,
      reason: 'record content does not match its hash',
    });
  });

  it('names the first of two swapped records', async () => {
    const db = new Database(file);
    db.exec(`UPDATE audit_records SET seq = -4 WHERE seq = 4;
      UPDATE audit_records SET seq = 4 WHERE seq = 5;
      UPDATE audit_records SET seq = 5 WHERE seq = -4;`);
    db.close();
    expect((await verifyAudit(file, { threads })).firstBad).toEqual({
      seq: 4,
      reason: 'record content does not match its hash',
    });
  });

  it('names a record whose hash was recomputed but whose link was not', async () => {
    sql("UPDATE audit_records SET principal = 'mallory' WHERE seq = 12");
    const db = new Database(file);
    const r = parseRawRecord(
      db
        .prepare(`SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit_records WHERE seq = 12`)
        .raw(true)
        .get() as unknown[],
    )!;
    db.close();
    sql('UPDATE audit_records SET hash = ? WHERE seq = 12', recordHash(r, r.seq, r.prevHash));
    expect((await verifyAudit(file, { threads })).firstBad).toEqual({
      seq: 13,
      reason: 'record does not link to the previous record',
    });
  });

  it('catches an edit whose chain was rebuilt without the key through the seal check', async () => {
    sql("UPDATE audit_records SET decision = 'deny' WHERE seq = 12");
    rehashFrom(12);
    expect((await verifyAudit(file, { sealKey: KEY, threads })).firstBad).toEqual({
      seq: 11,
      reason: 'the seal at 15 does not match the chain: a record in 11..15 was altered',
    });
  });

  it('catches a forged seal when the key is given', async () => {
    sql("UPDATE audit_records SET decision = 'deny' WHERE seq = 12");
    rehashFrom(12);
    const db = new Database(file);
    for (const seq of [15, 20]) {
      const { hash } = db.prepare('SELECT hash FROM audit_records WHERE seq = ?').get(seq) as {
        hash: string;
      };
      db.prepare("UPDATE audit_seals SET hash = ?, mac = 'ab' WHERE seq = ?").run(hash, seq);
    }
    db.close();
    expect((await verifyAudit(file, { sealKey: KEY, threads })).firstBad).toEqual({
      seq: 11,
      reason: 'the seal at 15 has an invalid MAC',
    });
  });

  it('catches a truncated tail through a seal past the end', async () => {
    sql('DELETE FROM audit_records WHERE seq > 17');
    expect((await verifyAudit(file, { threads })).firstBad).toEqual({
      seq: 18,
      reason: 'records 18..20 are missing (sealed at 20)',
    });
  });

  it('names a record with a malformed column', async () => {
    sql("UPDATE audit_records SET decision = 'perhaps' WHERE seq = 2");
    expect((await verifyAudit(file, { threads })).firstBad).toEqual({ seq: 2, reason: 'malformed record' });
  });

  it('reports STORE_UNAVAILABLE for a missing file', async () => {
    let caught: unknown;
    try {
      await verifyAudit(join(dir, 'nope.db'));
    } catch (error) {
      caught = error;
    }
    expect(isWardenError(caught, 'STORE_UNAVAILABLE')).toBe(true);
  });

  it('verifies 20,000 sealed records (a sanity check; bench/audit.mjs measures throughput)', async () => {
    const big = join(dir, 'big.db');
    const db = openSqlite(big, AUDIT_MIGRATIONS, { synchronous: 'NORMAL' });
    const writer = createAuditWriter(db, { sealKey: KEY, sealEveryRecords: 1000 });
    const redactor = createRedactor();
    const prepared = Array.from({ length: 1000 }, (_, i) =>
      prepareRecord(normaliseRecord(sampleRecord(i)), redactor),
    );
    for (let b = 0; b < 20; b++) writer.appendBatch(prepared, 1);
    db.close();
    const start = performance.now();
    expect(await verifyAudit(big, { sealKey: KEY, threads })).toMatchObject({
      ok: true,
      records: 20_000,
      seals: 20,
    });
    expect(performance.now() - start).toBeLessThan(10_000);
  });
});
