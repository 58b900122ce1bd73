import type { Worker } from 'node:worker_threads';
import { WardenError } from '../errors/index.js';
import { normaliseRecord, type AuditRecordInput, type NormalisedRecord } from './record.js';
import {
  parseWriterReply,
  type AuditDurability,
  type WriterReply,
  type WriterRequest,
  type WriterSettings,
} from './writer-protocol.js';
import { startAuditWorker } from './worker-thread.js';

/** Default number of records between two seals of the chain head. */
export const DEFAULT_SEAL_EVERY_RECORDS = 1000;
/** Most records committed in one transaction. */
export const MAX_BATCH_RECORDS = 4096;
/** How often the writer thread prunes when retention is set. */
export const PRUNE_INTERVAL_MS = 3_600_000;

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
  /** @default 'fsync' */
  durability?: AuditDurability | undefined;
}

/** Counters of an open audit log. */
export interface AuditLogStats {
  /** Records accepted by append since open. */
  appended: number;
  /** Records committed and fsynced. */
  committed: number;
  /** Records whose append was rejected. */
  failed: number;
  /** Records accepted but not yet committed. */
  pending: number;
  /** Age of the oldest uncommitted record, in milliseconds (0 when none). */
  lagMs: number;
  /** Sequence number of the last committed record. */
  lastSeq: number;
  /** Transactions committed. */
  batches: number;
  /** True once the writer thread has failed; every later append is rejected. */
  broken: boolean;
}

/** The durable, hash-chained audit log. */
export interface AuditLog {
  /** Resolves once the record is committed and fsynced; rejects with AUDIT_WRITE_FAILED otherwise. */
  append(record: AuditRecordInput): Promise<void>;
  /** Prunes per the retention setting now; resolves with the number of records removed. */
  prune(): Promise<number>;
  stats(): AuditLogStats;
  /** Flushes pending records, seals the head and stops the writer thread. */
  close(): Promise<void>;
}

interface Pending {
  record: NormalisedRecord;
  resolve: () => void;
  reject: (error: unknown) => void;
  at: number;
}

interface Control {
  resolve: (count: number) => void;
  reject: (error: unknown) => void;
}

const writeFailed = (message: string, cause?: unknown): WardenError =>
  new WardenError('AUDIT_WRITE_FAILED', message, cause === undefined ? {} : { cause });

/** Opens the audit log: starts the writer thread, applies the schema, resolves once the writer is ready. */
export async function openAuditLog(options: OpenAuditLogOptions): Promise<AuditLog> {
  const sealEveryRecords = options.sealEveryRecords ?? DEFAULT_SEAL_EVERY_RECORDS;
  if (!Number.isInteger(sealEveryRecords) || sealEveryRecords < 1) {
    throw new WardenError('CONFIG_INVALID', 'audit.sealEveryRecords must be a positive integer');
  }
  const settings: WriterSettings = {
    file: options.file,
    sealKey: options.sealKey,
    sealEveryRecords,
    retentionDays: options.retentionDays,
    redactPatterns: [...(options.redactPatterns ?? [])],
    pruneIntervalMs: PRUNE_INTERVAL_MS,
    durability: options.durability ?? 'fsync',
  };
  const worker = await startAuditWorker('writer-worker', settings);
  const seq = await waitReady(worker);
  return new WorkerAuditLog(worker, seq);
}

function waitReady(worker: Worker): Promise<number> {
  return new Promise((resolve, reject) => {
    const onMessage = (value: unknown): void => {
      const reply = parseWriterReply(value);
      if (reply?.type !== 'ready') return;
      cleanup();
      resolve(reply.seq);
    };
    const onError = (error: unknown): void => {
      cleanup();
      void worker.terminate();
      reject(new WardenError('STORE_UNAVAILABLE', 'audit store could not be opened', { cause: error }));
    };
    const onExit = (code: number): void => onError(new Error(`audit writer exited with code ${code}`));
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

class WorkerAuditLog implements AuditLog {
  private queue: Pending[] = [];
  private inFlight: { id: number; entries: Pending[] } | undefined;
  private readonly controls = new Map<number, Control>();
  private nextId = 1;
  private scheduled = false;
  private closing = false;
  private broken: WardenError | undefined;
  private counters = { appended: 0, committed: 0, failed: 0, batches: 0 };
  private lastSeq: number;
  private drained: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly worker: Worker,
    seq: number,
  ) {
    this.lastSeq = seq;
    worker.on('message', (value: unknown) => this.onReply(parseWriterReply(value)));
    worker.on('error', (error: unknown) => this.fail(writeFailed('audit writer failed', error)));
    worker.on('exit', () => {
      if (!this.closed) this.fail(writeFailed('audit writer stopped'));
      for (const c of this.controls.values()) c.reject(writeFailed('audit writer stopped'));
      this.controls.clear();
    });
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

  prune(): Promise<number> {
    return this.control('prune');
  }

  stats(): AuditLogStats {
    const oldest = this.inFlight?.entries[0] ?? this.queue[0];
    return {
      ...this.counters,
      pending: this.queue.length + (this.inFlight?.entries.length ?? 0),
      lagMs: oldest === undefined ? 0 : performance.now() - oldest.at,
      lastSeq: this.lastSeq,
      broken: this.broken !== undefined,
    };
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.queue.length > 0 || this.inFlight)
      await new Promise<void>((resolve) => (this.drained = resolve));
    if (this.broken) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.closed = true;
    await this.control('close');
    await exited;
  }

  private rejected(error: WardenError): Promise<void> {
    this.counters.failed++;
    return Promise.reject(error);
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    // One tick of appends becomes one transaction: group commit.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight || this.broken || this.queue.length === 0) return;
    const entries = this.queue.splice(0, MAX_BATCH_RECORDS);
    const id = this.nextId++;
    this.inFlight = { id, entries };
    let json: string;
    try {
      json = JSON.stringify(entries.map((e) => e.record));
    } catch {
      // Arguments JSON cannot represent (BigInt, cycles) keep a marker, not the batch's fate.
      json = JSON.stringify(entries.map(serialisable));
    }
    this.post({ type: 'append', id, json });
  }

  private control(type: 'prune' | 'close'): Promise<number> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      this.controls.set(id, { resolve, reject });
      this.post({ type, id });
    });
  }

  private post(message: WriterRequest): void {
    try {
      this.worker.postMessage(message);
    } catch (error) {
      this.fail(writeFailed('audit writer unreachable', error));
    }
  }

  private onReply(reply: WriterReply | undefined): void {
    if (reply === undefined || reply.type === 'ready') return;
    const control = this.controls.get(reply.id);
    if (control) {
      this.controls.delete(reply.id);
      if (reply.type === 'ack') control.resolve(reply.count);
      else control.reject(writeFailed(reply.message));
      return;
    }
    const batch = this.inFlight;
    if (batch?.id !== reply.id) return;
    this.inFlight = undefined;
    if (reply.type === 'ack') {
      this.lastSeq = reply.seq;
      this.counters.committed += batch.entries.length;
      this.counters.batches++;
      for (const e of batch.entries) e.resolve();
    } else {
      this.counters.failed += batch.entries.length;
      const error = writeFailed('audit batch could not be committed', new Error(reply.message));
      for (const e of batch.entries) e.reject(error);
    }
    this.flush();
    this.checkDrained();
  }

  private fail(error: WardenError): void {
    if (this.broken) return;
    this.broken = error;
    const entries = [...(this.inFlight?.entries ?? []), ...this.queue];
    this.inFlight = undefined;
    this.queue = [];
    this.counters.failed += entries.length;
    for (const e of entries) e.reject(error);
    for (const c of this.controls.values()) c.reject(error);
    this.controls.clear();
    this.checkDrained();
  }

  private checkDrained(): void {
    if (this.drained && !this.inFlight && this.queue.length === 0) {
      const done = this.drained;
      this.drained = undefined;
      done();
    }
  }
}

function serialisable(entry: Pending): NormalisedRecord {
  const { record } = entry;
  if (!record.hasArgs) return record;
  try {
    JSON.stringify(record.args);
    return record;
  } catch {
    return { ...record, args: { $unserialisable: 'arguments could not be copied' } };
  }
}
