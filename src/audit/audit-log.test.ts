import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isWardenError } from '../errors/index.js';
import { searchAuditRecords, tailAuditRecords } from '../store/sqlite/audit-queries.js';
import { openAuditLog, PRUNE_STEP_RECORDS, type AuditLog } from './audit-log.js';
import { canonicalJson } from './canonical-json.js';
import { sha256Hex } from './chain.js';
import type { AuditRecordInput } from './record.js';
import { sampleRecord } from './test-records.js';
import { verifyAudit } from './verify.js';

const KEY = 'test-seal-key-0123456789';
let dir: string;
let file: string;
let log: AuditLog | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-audit-'));
  file = join(dir, 'audit.db');
});

afterEach(async () => {
  await log?.close();
  log = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function readAll(): ReturnType<typeof searchAuditRecords> {
  const db = new Database(file, { readonly: true });
  try {
    return searchAuditRecords(db, { limit: 100_000 });
  } finally {
    db.close();
  }
}

describe('openAuditLog', () => {
  it('commits one tick of records in one transaction with digest, redacted args, a verifiable chain and one seal', async () => {
    log = await openAuditLog({ file, sealKey: KEY, sealEveryRecords: 10 });
    const args = {
      path: '/workspace/a.txt',
      password: 'hunter2',
      note: 'token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789',
    };
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => log!.append(sampleRecord(i + 1, i === 0 ? { args } : {}))),
    );
    expect(log.stats()).toMatchObject({
      appended: 25,
      committed: 25,
      failed: 0,
      pending: 0,
      lastSeq: 25,
      broken: false,
    });
    await log.close();
    log = undefined;
    const rows = readAll();
    expect(rows).toHaveLength(25);
    expect(rows[0]).toMatchObject({
      seq: 1,
      correlationId: 'req-1',
      principal: 'bob',
      argsDigest: sha256Hex(canonicalJson(args)),
      args: '{"note":"token [REDACTED:github-token]","password":"[REDACTED:field]","path":"/workspace/a.txt"}',
      prevHash: '0'.repeat(64),
    });
    expect(rows[1]?.prevHash).toBe(rows[0]?.hash);
    expect(await verifyAudit(file, { sealKey: KEY })).toEqual({
      ok: true,
      records: 25,
      anchorSeq: 0,
      lastSeq: 25,
      seals: 1,
      sealsAuthenticated: true,
      sealedThrough: 25,
      unsealedRecords: 0,
    });
  });

  it('groups one tick of appends into few transactions', async () => {
    log = await openAuditLog({ file });
    await Promise.all(Array.from({ length: 2000 }, (_, i) => log!.append(sampleRecord(i))));
    const stats = log.stats();
    expect(stats.committed).toBe(2000);
    expect(stats.batches).toBeLessThanOrEqual(2);
  });

  it('continues the chain across reopen', async () => {
    log = await openAuditLog({ file, sealKey: KEY });
    await log.append(sampleRecord(1));
    await log.close();
    log = await openAuditLog({ file, sealKey: KEY });
    await log.append(sampleRecord(2));
    await log.close();
    log = undefined;
    expect(await verifyAudit(file, { sealKey: KEY })).toMatchObject({
      ok: true,
      records: 2,
      seals: 2,
      sealedThrough: 2,
    });
  });

  it('rejects malformed records with AUDIT_WRITE_FAILED and keeps working', async () => {
    log = await openAuditLog({ file });
    const bad = [
      { ...sampleRecord(1), decision: 'maybe' },
      { ...sampleRecord(1), time: Number.NaN },
      { ...sampleRecord(1), principal: 42 },
      null,
    ];
    for (const record of bad) {
      await expect(log.append(record as AuditRecordInput)).rejects.toSatisfy((e) =>
        isWardenError(e, 'AUDIT_WRITE_FAILED'),
      );
    }
    await log.append(sampleRecord(2));
    expect(log.stats()).toMatchObject({ committed: 1, failed: 4 });
  });

  it('keeps records whose arguments JSON cannot represent, marked', async () => {
    log = await openAuditLog({ file });
    await log.append(sampleRecord(1, { args: { big: 10n } }));
    await log.append(sampleRecord(2, { args: { fn: () => 1 } }));
    await log.close();
    log = undefined;
    const rows = readAll();
    // The digest covers the reason, and the stored arguments say why they are missing.
    expect(rows.map((r) => r.args)).toEqual([
      '{"$unserialisable":"cannot serialise a bigint"}',
      '{"$unserialisable":"cannot serialise a function"}',
    ]);
    expect((await verifyAudit(file)).ok).toBe(true);
  });

  it('keeps the chain verifiable when text fields hold lone surrogates or a cut surrogate pair', async () => {
    // A client controls a tool name (JSON may escape a lone surrogate) and a JWT subject; SQLite stores UTF-8,
    // where a lone surrogate becomes U+FFFD, so the record must be hashed as it will be read back.
    log = await openAuditLog({ file, sealKey: KEY });
    const cutPair = `${'a'.repeat(4095)}\u{1F600}`; // the 4,096-character cut falls inside the pair
    await log.append(sampleRecord(1, { name: 'x\uD800y', principal: '\uDC00' }));
    await log.append(sampleRecord(2, { name: cutPair, rule: 'r\uDBFF' }));
    await log.close();
    log = undefined;
    const rows = readAll();
    expect(rows.map((r) => [r.name, r.principal])).toEqual([
      ['x\uFFFDy', '\uFFFD'],
      [`${'a'.repeat(4095)}\uFFFD`, 'alice'],
    ]);
    expect(await verifyAudit(file, { sealKey: KEY })).toMatchObject({ ok: true, records: 2 });
  });

  it('rejects appends after close', async () => {
    log = await openAuditLog({ file });
    await log.close();
    await expect(log.append(sampleRecord(1))).rejects.toSatisfy((e) =>
      isWardenError(e, 'AUDIT_WRITE_FAILED'),
    );
    log = undefined;
  });

  it('fails closed when the writer cannot commit', async () => {
    log = await openAuditLog({ file });
    await log.append(sampleRecord(1));
    const db = new Database(file);
    // A trigger that aborts inserts stands in for a full disk or a corrupted file.
    db.exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON audit_records BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    db.close();
    await expect(log.append(sampleRecord(2))).rejects.toSatisfy((e) =>
      isWardenError(e, 'AUDIT_WRITE_FAILED'),
    );
    expect(log.stats()).toMatchObject({ committed: 1, failed: 1 });
  });

  it('refuses to open a store that is not a database with STORE_UNAVAILABLE', async () => {
    await expect(openAuditLog({ file: join(dir, 'missing-dir', '\0bad') })).rejects.toSatisfy((e) =>
      isWardenError(e, 'STORE_UNAVAILABLE'),
    );
    await expect(openAuditLog({ file, sealEveryRecords: 0 })).rejects.toSatisfy((e) =>
      isWardenError(e, 'CONFIG_INVALID'),
    );
  });

  it('prunes old sealed ranges behind an anchor that verify accepts', async () => {
    log = await openAuditLog({ file, sealKey: KEY, sealEveryRecords: 5, retentionDays: 30 });
    const old = Date.now() - 40 * 86_400_000;
    for (let i = 1; i <= 12; i++) await log.append(sampleRecord(i, { time: old + i }));
    await log.append(sampleRecord(13, { time: Date.now() }));
    // Records 11 and 12 are old but not yet sealed (seals at 5 and 10), so they stay.
    expect(await log.prune()).toBe(10);
    await log.close();
    log = undefined;
    expect(tailAuditRecords(new Database(file, { readonly: true }), 100).map((r) => r.seq)).toEqual([
      11, 12, 13,
    ]);
    expect(await verifyAudit(file, { sealKey: KEY })).toMatchObject({
      ok: true,
      anchorSeq: 10,
      records: 3,
      lastSeq: 13,
    });
    expect(await verifyAudit(file, { sealKey: 'another-key' })).toMatchObject({
      ok: false,
      firstBad: { seq: 11, reason: 'the retention anchor is not sealed by this key' },
    });
  });

  it('prunes a large backlog in steps and keeps the chain verifiable', async () => {
    log = await openAuditLog({ file, sealKey: KEY, sealEveryRecords: 1000, retentionDays: 30 });
    const old = Date.now() - 40 * 86_400_000;
    const total = PRUNE_STEP_RECORDS * 2 + 1000;
    for (let i = 0; i < total; i += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, k) => log!.append(sampleRecord(i + k + 1, { time: old + i + k }))),
      );
    }
    await log.append(sampleRecord(total + 1, { time: Date.now() }));
    // Sealed every 1000 records: everything up to the last seal before the fresh record goes, over several steps.
    expect(await log.prune()).toBe(total);
    await log.close();
    log = undefined;
    expect(await verifyAudit(file, { sealKey: KEY })).toMatchObject({
      ok: true,
      anchorSeq: total,
      records: 1,
    });
  });

  it('keeps the write-ahead log short: the checkpoint thread folds it back while records keep coming', async () => {
    log = await openAuditLog({ file });
    const args = { text: 'x'.repeat(2000) };
    for (let round = 0; round < 20; round++) {
      await Promise.all(
        Array.from({ length: 500 }, (_, k) => log!.append(sampleRecord(round * 500 + k + 1, { args }))),
      );
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
    // 10,000 records of ~2 KB are ~25 MB of pages; without checkpoints the WAL would hold all of them.
    expect(statSync(`${file}-wal`).size).toBeLessThan(8 * 1024 * 1024);
    expect(log.stats()).toMatchObject({ committed: 10_000, pending: 0 });
  });

  it('keeps the write-ahead log short under steady load: the log restarts instead of growing', async () => {
    log = await openAuditLog({ file, durability: 'os' });
    const args = { text: 'x'.repeat(2000) };
    // A batch every millisecond or so: a passive checkpoint never finds the log fully copied back then, so without
    // a restart the WAL file grew by every commit, to about 50 MB here (SQLite's own limit is 64 MB).
    for (let round = 0; round < 1000; round++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, k) => log!.append(sampleRecord(round * 10 + k + 1, { args }))),
      );
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(statSync(`${file}-wal`).size).toBeLessThan(16 * 1024 * 1024);
    expect(log.stats()).toMatchObject({ committed: 10_000, pending: 0, failed: 0 });
    await log.close();
    log = undefined;
    expect(await verifyAudit(file)).toMatchObject({ ok: true, records: 10_000 });
  });

  it('keeps the event loop free while another connection holds the write lock, then commits', async () => {
    log = await openAuditLog({ file, sealKey: KEY });
    await log.append(sampleRecord(1));
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const appended = Promise.all([2, 3, 4].map((i) => log!.append(sampleRecord(i))));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await new Promise((resolve) => setTimeout(resolve, 300));
    clearInterval(timer);
    // Waiting inside SQLite (a busy timeout) would have put the whole event loop to sleep for the hold.
    expect(ticks).toBeGreaterThan(15);
    expect(log.stats()).toMatchObject({ committed: 1, pending: 3, failed: 0 });
    other.exec('COMMIT');
    other.close();
    await appended;
    expect(log.stats()).toMatchObject({ committed: 4, pending: 0, failed: 0, broken: false });
    expect(log.stats().busyRetries).toBeGreaterThan(0);
    await log.close();
    log = undefined;
    expect(await verifyAudit(file, { sealKey: KEY })).toMatchObject({ ok: true, records: 4 });
  });

  it('refuses a batch that found the database locked for lockWaitMs, and goes on once it is free', async () => {
    log = await openAuditLog({ file, lockWaitMs: 100 });
    await log.append(sampleRecord(1));
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const refused = log.append(sampleRecord(2));
    await expect(refused).rejects.toSatisfy((e) => isWardenError(e, 'AUDIT_WRITE_FAILED'));
    other.exec('COMMIT');
    other.close();
    await log.append(sampleRecord(3));
    expect(log.stats()).toMatchObject({ committed: 2, failed: 1, pending: 0, broken: false });
    await log.close();
    log = undefined;
    expect(await verifyAudit(file)).toMatchObject({ ok: true, records: 2 });
  });
});
