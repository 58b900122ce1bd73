import { closeSync, fdatasync, openSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { WardenError } from '../errors/index.js';
import { AUDIT_MIGRATIONS } from '../store/sqlite/audit-schema.js';
import { createAuditWriter, type AuditWriter } from '../store/sqlite/audit-writer.js';
import { openSqlite } from '../store/sqlite/open.js';
import { prepareRecord, type PreparedRecord } from './prepare.js';
import { normaliseRecord, type AuditRecordInput, type NormalisedRecord } from './record.js';
import { createRedactor, type Redactor } from './redact.js';
import { startAuditWorker } from './worker-thread.js';

/** Default number of records between two seals of the chain head. */
export const DEFAULT_SEAL_EVERY_RECORDS = 1000;
/** Most records committed in one transaction. */
export const MAX_BATCH_RECORDS = 4096;
/** How often the log prunes when retention is set. */
export const PRUNE_INTERVAL_MS = 3_600_000;
/** Most records one prune transaction deletes; the log yields to the event loop between them. */
export const PRUNE_STEP_RECORDS = 2000;
/** Times in a row a prune step is tried again when the database is locked, before the prune gives up. */
const PRUNE_BUSY_RETRIES = 1000;
/**
 * Flushes of the write-ahead log in flight at once. One: records that arrive during a flush wait for it and then
 * share the next transaction and flush. A second flush in flight overlapped the disk's latency but halved the
 * batches, and each batch costs a transaction and a flush's two thread wake-ups: under load, in nine interleaved
 * rounds, one flush in flight took 1–18% less CPU per call and served more calls in seven (docs/benchmarks.md).
 */
const MAX_SYNCS_IN_FLIGHT = 1;
/**
 * How long a batch that found the database locked waits before it is tried again. The writer never waits inside
 * SQLite: its busy handler would sleep on the event loop. The lock is held by the checkpoint thread restarting the
 * log (a copy and a sync, well under a millisecond typically) or by another process writing to the store.
 */
const BUSY_RETRY_MS = 1;
/** How long records wait for a locked database before their batch is refused (AUDIT_WRITE_FAILED). */
export const DEFAULT_LOCK_WAIT_MS = 5000;
/** How often the checkpoint thread folds the write-ahead log back into the database. */
const CHECKPOINT_INTERVAL_MS = 50;
/**
 * The checkpoint thread starts this long after open (or with the first batch, if sooner): its boot then competes
 * with neither start-up nor the first calls, whose replies would otherwise wait for it on a 2-core host.
 */
const CHECKPOINTER_START_DELAY_MS = 100;
/**
 * The writer's own checkpoint threshold (pages), a safety net only: the checkpoint thread keeps the log far
 * shorter, so the event loop never waits for a checkpoint.
 */
const FALLBACK_CHECKPOINT_PAGES = 16_384;

/** How durable an acknowledged audit record is. */
export type AuditDurability = 'fsync' | 'os';

/** Options for {@link openAuditLog}. */
export interface OpenAuditLogOptions {
  /** SQLite file (created if missing). */
  file: string;
  /** HMAC key sealing chain heads; kept outside the store. */
  sealKey?: string | undefined;
  /** @default 1000 */
  sealEveryRecords?: number | undefined;
  /** Prune records older than this many days (only sealed ones when a key is set). */
  retentionDays?: number | undefined;
  /** Extra redaction regexes. */
  redactPatterns?: readonly string[] | undefined;
  /**
   * fsync: each batch reaches the disk before its records are acknowledged; os: it reaches the operating
   * system (it survives the process, not a power loss). @default 'fsync'
   */
  durability?: AuditDurability | undefined;
  /**
   * How long a batch waits for a database locked by another connection (retried from the event loop, which keeps
   * serving) before its records are refused. @default 5000
   */
  lockWaitMs?: number | undefined;
}

/** Counters of an open audit log. */
export interface AuditLogStats {
  /** Records accepted by append since open. */
  appended: number;
  /** Records committed (and, with durability fsync, flushed to disk). */
  committed: number;
  /** Records whose append was rejected. */
  failed: number;
  /** Records accepted but not yet acknowledged. */
  pending: number;
  /** Age of the oldest unacknowledged record, in milliseconds (0 when none). */
  lagMs: number;
  /** Sequence number of the last committed record. */
  lastSeq: number;
  /** Transactions committed. */
  batches: number;
  /** Batches put back because the database was locked (by a checkpoint restarting the log, or another process). */
  busyRetries: number;
  /** True once the log could not flush to disk; every later append is rejected. */
  broken: boolean;
}

/** The durable, hash-chained audit log. */
export interface AuditLog {
  /** Resolves once the record is committed and durable; rejects with AUDIT_WRITE_FAILED otherwise. */
  append(record: AuditRecordInput): Promise<void>;
  /** Prunes per the retention setting now; resolves with the number of records removed. */
  prune(): Promise<number>;
  stats(): AuditLogStats;
  /** Flushes pending records, seals the head and closes the store. */
  close(): Promise<void>;
}

interface Pending {
  record: NormalisedRecord;
  resolve: () => void;
  reject: (error: unknown) => void;
  at: number;
}

const writeFailed = (message: string, cause?: unknown): WardenError =>
  new WardenError('AUDIT_WRITE_FAILED', message, cause === undefined ? {} : { cause });

/**
 * Opens the audit log on the SQLite file (creating it and its schema if needed).
 *
 * Records are written on the calling thread: one transaction per event-loop tick (group commit), in WAL mode
 * without SQLite's own sync; with durability fsync the WAL file is then flushed with fdatasync on libuv's pool,
 * and only then are the batch's appends resolved. A committed WAL frame that has been flushed is as durable as
 * SQLite's synchronous=FULL makes it. Checkpoints run on a separate connection in a small thread, so the event
 * loop never waits for one.
 */
export function openAuditLog(options: OpenAuditLogOptions): Promise<AuditLog> {
  try {
    return Promise.resolve(openNow(options));
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function openNow(options: OpenAuditLogOptions): AuditLog {
  const sealEveryRecords = options.sealEveryRecords ?? DEFAULT_SEAL_EVERY_RECORDS;
  if (!Number.isInteger(sealEveryRecords) || sealEveryRecords < 1) {
    throw new WardenError('CONFIG_INVALID', 'audit.sealEveryRecords must be a positive integer');
  }
  const durability = options.durability ?? 'fsync';
  let db: Database.Database | undefined;
  let wal: number | undefined;
  try {
    db = openSqlite(options.file, AUDIT_MIGRATIONS, { synchronous: 'NORMAL' });
    db.pragma(`wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`);
    db.pragma('cache_size = -2048');
    // A locked database is retried from the event loop (BUSY_RETRY_MS), never waited for inside SQLite.
    db.pragma('busy_timeout = 0');
    const writer = createAuditWriter(db, {
      sealKey: options.sealKey,
      sealEveryRecords,
      retentionDays: options.retentionDays,
    });
    // Any read in WAL mode has created the -wal file by now; its descriptor is what each batch flushes.
    if (durability === 'fsync') wal = openSync(`${options.file}-wal`, 'r');
    const redactor = createRedactor({ patterns: options.redactPatterns ?? [] });
    return new SqliteAuditLog({
      db,
      writer,
      redactor,
      wal,
      file: options.file,
      retention: options.retentionDays,
      lockWaitMs: options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
    });
  } catch (error) {
    db?.close();
    if (wal !== undefined) closeSync(wal);
    if (error instanceof WardenError) throw error;
    throw new WardenError('STORE_UNAVAILABLE', 'audit store could not be opened', { cause: error });
  }
}

interface LogParts {
  db: Database.Database;
  writer: AuditWriter;
  redactor: Redactor;
  /** The WAL file's descriptor when every batch must reach the disk. */
  wal: number | undefined;
  file: string;
  retention: number | undefined;
  lockWaitMs: number;
}

class SqliteAuditLog implements AuditLog {
  private queue: Pending[] = [];
  /** Batches committed and being flushed, oldest first. */
  private flushing: Pending[][] = [];
  private flushingRecords = 0;
  private scheduled = false;
  /** Set while a batch that found the database locked waits to be tried again. */
  private retrying: NodeJS.Timeout | undefined;
  /** When the batch being retried first found the database locked. */
  private lockedSince: number | undefined;
  private closing = false;
  private closed = false;
  private broken: WardenError | undefined;
  private counters = { appended: 0, committed: 0, failed: 0, batches: 0, busyRetries: 0 };
  private drained: (() => void) | undefined;
  private checkpointer: Promise<Worker | undefined> | undefined;
  private pruning: Promise<number> | undefined;
  private readonly pruneTimer: NodeJS.Timeout | undefined;
  private readonly checkpointerTimer: NodeJS.Timeout;

  constructor(private readonly parts: LogParts) {
    this.checkpointerTimer = setTimeout(() => this.ensureCheckpointer(), CHECKPOINTER_START_DELAY_MS);
    this.checkpointerTimer.unref();
    if (parts.retention !== undefined) {
      // The first prune waits a tick so that opening never waits on it.
      setImmediate(() => void this.prune().catch(() => undefined));
      this.pruneTimer = setInterval(() => void this.prune().catch(() => undefined), PRUNE_INTERVAL_MS);
      this.pruneTimer.unref();
    }
  }

  append(record: AuditRecordInput): Promise<void> {
    if (this.broken) return this.rejected(this.broken);
    if (this.closing) return this.rejected(writeFailed('audit log is closed'));
    let normalised: NormalisedRecord;
    try {
      normalised = normaliseRecord(record);
    } catch (error) {
      return this.rejected(writeFailed('malformed audit record', error));
    }
    this.counters.appended++;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record: normalised, resolve, reject, at: performance.now() });
      this.schedule();
    });
  }

  /** Deletes expired records in steps of PRUNE_STEP_RECORDS, yielding to the event loop between steps. */
  prune(): Promise<number> {
    if (this.closing) return Promise.reject(writeFailed('audit log is closed'));
    this.pruning ??= this.pruneSteps().finally(() => (this.pruning = undefined));
    return this.pruning;
  }

  stats(): AuditLogStats {
    const oldest = this.flushing[0]?.[0] ?? this.queue[0];
    return {
      ...this.counters,
      pending: this.pendingCount(),
      lagMs: oldest === undefined ? 0 : performance.now() - oldest.at,
      lastSeq: this.parts.writer.head().seq,
      broken: this.broken !== undefined,
    };
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    clearTimeout(this.checkpointerTimer);
    if (this.pendingCount() > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    await this.pruning?.catch(() => undefined);
    const checkpointer = await this.checkpointer;
    if (checkpointer) await stopCheckpointer(checkpointer);
    this.closed = true;
    const { db, writer, wal } = this.parts;
    try {
      // Closing may wait for another process's lock: nothing else is left for the event loop to serve here.
      db.pragma(`busy_timeout = ${this.parts.lockWaitMs}`);
      if (!this.broken) writer.sealHead(Date.now());
    } finally {
      db.close();
      if (wal !== undefined) closeSync(wal);
    }
  }

  private async pruneSteps(): Promise<number> {
    let total = 0;
    let busy = 0;
    for (;;) {
      if (this.closed || this.broken) return total;
      let removed: number;
      try {
        removed = this.parts.writer.prune(Date.now(), PRUNE_STEP_RECORDS);
      } catch (error) {
        if (isBusy(error) && ++busy <= PRUNE_BUSY_RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
          continue;
        }
        throw writeFailed('audit records could not be pruned', error);
      }
      busy = 0;
      total += removed;
      if (removed < PRUNE_STEP_RECORDS) return total;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private ensureCheckpointer(): void {
    if (this.closing) return;
    this.checkpointer ??= startCheckpointer(this.parts.file);
  }

  private pendingCount(): number {
    return this.queue.length + this.flushingRecords;
  }

  private rejected(error: WardenError): Promise<void> {
    this.counters.failed++;
    return Promise.reject(error);
  }

  /**
   * Commits the queued records as one transaction. With durability fsync a new batch is committed only while
   * fewer than MAX_SYNCS_IN_FLIGHT flushes are running: records that arrive meanwhile gather into the next
   * batch, which the end of a flush commits (group commit). Larger batches write fewer WAL pages per record.
   */
  private write(): void {
    this.scheduled = false;
    if (this.queue.length === 0 || this.retrying) return;
    if (this.broken) return this.fail(this.broken, []);
    const wal = this.parts.wal;
    if (wal !== undefined && this.flushing.length >= MAX_SYNCS_IN_FLIGHT) return;
    const entries =
      this.queue.length > MAX_BATCH_RECORDS ? this.queue.splice(0, MAX_BATCH_RECORDS) : this.queue;
    if (entries === this.queue) this.queue = [];
    else this.schedule();
    try {
      const { redactor, writer } = this.parts;
      const prepared: PreparedRecord[] = entries.map((e) => prepareRecord(e.record, redactor));
      writer.appendBatch(prepared, Date.now());
    } catch (error) {
      if (isBusy(error) && this.waitForLock()) return this.retryLater(entries);
      this.lockedSince = undefined;
      // The transaction rolled back: these records are refused, the chain is unchanged, later batches go on.
      this.counters.failed += entries.length;
      const failure = writeFailed('audit batch could not be committed', error);
      for (const e of entries) e.reject(failure);
      this.checkDrained();
      return;
    }
    this.lockedSince = undefined;
    this.counters.batches++;
    this.ensureCheckpointer();
    if (wal === undefined) this.settle(entries);
    else this.flush(wal, entries);
  }

  /** Flushes the WAL to disk; the flush covers everything committed before it, so it acknowledges the batch. */
  private flush(wal: number, entries: Pending[]): void {
    this.flushing.push(entries);
    this.flushingRecords += entries.length;
    fdatasync(wal, (error) => {
      this.flushing = this.flushing.filter((batch) => batch !== entries);
      this.flushingRecords -= entries.length;
      if (error) {
        // After a failed flush the kernel may have dropped the data: nothing later can be trusted (fail closed).
        this.fail(writeFailed('audit log could not be flushed to disk', error), entries);
        return;
      }
      this.settle(entries);
      this.write();
    });
  }

  /** True while the database has been locked for less than lockWaitMs. */
  private waitForLock(): boolean {
    const now = performance.now();
    this.lockedSince ??= now;
    return now - this.lockedSince < this.parts.lockWaitMs;
  }

  /** Puts a batch that found the database locked back at the head of the queue, and tries again shortly. */
  private retryLater(entries: Pending[]): void {
    this.counters.busyRetries++;
    this.queue = entries.concat(this.queue);
    this.retrying ??= setTimeout(() => {
      this.retrying = undefined;
      this.write();
    }, BUSY_RETRY_MS);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // One tick of appends becomes one transaction: group commit.
    setImmediate(() => this.write());
  }

  private settle(entries: Pending[]): void {
    this.counters.committed += entries.length;
    for (const e of entries) e.resolve();
    this.checkDrained();
  }

  private fail(error: WardenError, entries: Pending[]): void {
    this.broken ??= error;
    const all = [...entries, ...this.queue];
    this.queue = [];
    this.counters.failed += all.length;
    for (const e of all) e.reject(error);
    this.checkDrained();
  }

  private checkDrained(): void {
    if (this.drained && this.pendingCount() === 0) {
      const done = this.drained;
      this.drained = undefined;
      done();
    }
  }
}

/** True for SQLite's SQLITE_BUSY (and its extended codes): the database was locked, nothing was written. */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** Starts the checkpoint thread; without it SQLite's own (rarer, blocking) checkpoints still keep the log bounded. */
async function startCheckpointer(file: string): Promise<Worker | undefined> {
  try {
    const worker = await startAuditWorker('checkpoint-worker', { file, intervalMs: CHECKPOINT_INTERVAL_MS });
    worker.on('error', () => undefined);
    worker.unref();
    return worker;
  } catch {
    return undefined;
  }
}

async function stopCheckpointer(worker: Worker): Promise<void> {
  if (worker.threadId === -1) return; // already gone
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.ref(); // an unreferenced thread would let the process end before it has stopped
  worker.postMessage('stop');
  await exited;
}
