import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isWardenError } from '../errors/index.js';
import { openAuditLog, type AuditLog } from './audit-log.js';
import { sampleRecord } from './test-records.js';
import { verifyAudit } from './verify.js';

// The disk is the one part that cannot be made to fail for real here: the flush is swapped for one that reports
// an I/O error on demand. Everything else (SQLite, the chain, the log's state) is the real code.
const disk = vi.hoisted(() => ({ failFlush: false, flushes: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fdatasync = (fd: number, callback: (error: NodeJS.ErrnoException | null) => void): void => {
    disk.flushes++;
    if (!disk.failFlush) return fs.fdatasync(fd, callback);
    const error: NodeJS.ErrnoException = new Error('EIO: i/o error, fdatasync');
    error.code = 'EIO';
    setImmediate(() => callback(error));
  };
  return { ...fs, default: { ...fs, fdatasync }, fdatasync };
});

let dir: string;
let log: AuditLog | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-audit-faults-'));
  disk.failFlush = false;
  disk.flushes = 0;
});

afterEach(async () => {
  disk.failFlush = false;
  await log?.close();
  log = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('audit log flush failures', () => {
  it('acknowledges a record only after its flush, and fails closed for good once a flush fails', async () => {
    const file = join(dir, 'audit.db');
    log = await openAuditLog({ file, durability: 'fsync' });
    await log.append(sampleRecord(1));
    expect(disk.flushes).toBeGreaterThanOrEqual(1);

    disk.failFlush = true;
    const failed = log.append(sampleRecord(2));
    await expect(failed).rejects.toSatisfy((e) => isWardenError(e, 'AUDIT_WRITE_FAILED'));
    expect(log.stats()).toMatchObject({ committed: 1, broken: true });

    // The disk recovers, but after a failed flush nothing written since can be trusted: the log stays broken.
    disk.failFlush = false;
    await expect(log.append(sampleRecord(3))).rejects.toSatisfy((e) =>
      isWardenError(e, 'AUDIT_WRITE_FAILED'),
    );
    expect(log.stats()).toMatchObject({ committed: 1, failed: 2, broken: true });
    await log.close();
    log = undefined;
    // What is in the file is still a valid chain.
    expect((await verifyAudit(file)).ok).toBe(true);
  });

  it('never flushes with durability os, and keeps working', async () => {
    log = await openAuditLog({ file: join(dir, 'audit.db'), durability: 'os' });
    disk.failFlush = true;
    await Promise.all([1, 2, 3].map((i) => log!.append(sampleRecord(i))));
    expect(disk.flushes).toBe(0);
    expect(log.stats()).toMatchObject({ committed: 3, broken: false });
  });
});
