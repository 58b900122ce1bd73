import type { ResourceLimits } from 'node:worker_threads';
import { WardenError } from '../../errors/index.js';
import type { EvalLimits, EvalOutcome } from './eval-protocol.js';
import { EvalSlot } from './eval-slot.js';
import { RoundRobinQueue } from './round-robin-queue.js';

/** Extra time a worker gets beyond `timeoutMs` before it is terminated from outside. */
export const BACKSTOP_GRACE_MS = 1000;
/** Most evaluations waiting for a free worker; more are refused with CONCURRENCY_LIMITED. */
export const MAX_QUEUED_EVALS = 64;
/**
 * Most evaluations one principal may have waiting. A quarter of the queue: a client flooding `js_eval` with slow
 * code is refused with CONCURRENCY_LIMITED while at least three others can still queue.
 */
export const MAX_QUEUED_EVALS_PER_PRINCIPAL = MAX_QUEUED_EVALS / 4;
/** Workers that fail to start in a row before the pool gives up replacing them. */
export const MAX_FAILED_STARTS = 3;

/** Options of {@link EvalPool.start}. */
export interface EvalPoolOptions {
  /** Number of worker threads. */
  size: number;
  limits: EvalLimits;
  /** Module each worker runs (see `evalWorkerEntry`). */
  entry: URL;
}

/** Per-call options of {@link EvalPool.run}. */
export interface EvalRunOptions {
  /** Cancels the evaluation, waiting or running. */
  signal?: AbortSignal | undefined;
  /** Id of the caller; each has a bounded share of the queue and takes turns (no id: one shared caller). */
  principal?: string | undefined;
}

interface QueuedJob {
  code: string;
  inputJson: string | undefined;
  signal: AbortSignal | undefined;
  principal: string | undefined;
  resolve: (outcome: EvalOutcome) => void;
  reject: (error: WardenError) => void;
  onAbort: () => void;
}

function workerResourceLimits(limits: EvalLimits): ResourceLimits {
  // QuickJS recursion also consumes the thread's native stack; give it room so QuickJS's own limit trips first.
  const stackSizeMb = 4 + 4 * Math.ceil(limits.stackBytes / (1024 * 1024));
  return { stackSizeMb, maxOldGenerationSizeMb: 64 + Math.ceil((2 * limits.maxOutputBytes) / (1024 * 1024)) };
}

/** A small pool of worker threads, each evaluating one job at a time, so the main thread stays free. */
export class EvalPool {
  readonly #options: EvalPoolOptions;
  readonly #slots: EvalSlot[] = [];
  // Keyed by principal id; `undefined` (no principal) is a key of its own that no id can collide with.
  readonly #queue = new RoundRobinQueue<string | undefined, QueuedJob>();
  #nextId = 1;
  #failedStarts = 0;
  #closed = false;

  private constructor(options: EvalPoolOptions) {
    this.#options = options;
  }

  /** Starts `size` workers and waits until each has loaded the WebAssembly module. */
  static async start(options: EvalPoolOptions): Promise<EvalPool> {
    const pool = new EvalPool(options);
    for (let i = 0; i < options.size; i++) pool.#slots.push(pool.#spawn());
    try {
      await Promise.all(pool.#slots.map((slot) => slot.ready));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /**
   * Evaluates `code` with `inputJson` bound to `input` in the next free worker. Waiting evaluations are taken
   * round-robin across principals, oldest first within one.
   */
  run(code: string, inputJson: string | undefined, options: EvalRunOptions = {}): Promise<EvalOutcome> {
    const { signal, principal } = options;
    const refusal = this.#refusal(signal, principal);
    if (refusal !== undefined) return Promise.reject(refusal);
    return new Promise<EvalOutcome>((resolve, reject) => {
      const job: QueuedJob = {
        code,
        inputJson,
        signal,
        principal,
        resolve,
        reject,
        onAbort: () => this.#dropQueued(job),
      };
      signal?.addEventListener('abort', job.onAbort, { once: true });
      this.#queue.push(principal, job);
      this.#dispatch();
    });
  }

  /** Terminates every worker; queued and running evaluations fail with SHUTTING_DOWN. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.drain()) this.#rejectQueued(job, new WardenError('SHUTTING_DOWN'));
    await Promise.all(this.#slots.splice(0).map((slot) => slot.retire()));
  }

  #refusal(signal: AbortSignal | undefined, principal: string | undefined): WardenError | undefined {
    if (this.#closed) return new WardenError('SHUTTING_DOWN');
    if (this.#slots.length === 0) return new WardenError('INTERNAL', 'the JavaScript sandbox stopped');
    if (signal?.aborted === true) return new WardenError('CANCELLED');
    if (this.#queue.size >= MAX_QUEUED_EVALS)
      return new WardenError('CONCURRENCY_LIMITED', 'too many evaluations waiting');
    if (this.#queue.sizeOf(principal) >= MAX_QUEUED_EVALS_PER_PRINCIPAL)
      return new WardenError('CONCURRENCY_LIMITED', 'too many evaluations waiting for this caller');
    return undefined;
  }

  #spawn(): EvalSlot {
    const slot = new EvalSlot(this.#options.entry, workerResourceLimits(this.#options.limits), {
      idle: () => this.#dispatch(),
      retired: (gone) => this.#replace(gone),
    });
    slot.ready.then(
      () => {
        this.#failedStarts = 0;
        this.#dispatch();
      },
      () => {
        this.#failedStarts += 1;
      },
    );
    return slot;
  }

  #replace(gone: EvalSlot): void {
    const index = this.#slots.indexOf(gone);
    if (index === -1 || this.#closed) return;
    if (this.#failedStarts >= MAX_FAILED_STARTS) {
      this.#slots.splice(index, 1);
      if (this.#slots.length === 0) {
        for (const job of this.#queue.drain()) this.#rejectQueued(job, new WardenError('INTERNAL'));
      }
      return;
    }
    this.#slots[index] = this.#spawn();
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (!slot.idle) continue;
      const job = this.#queue.shift();
      if (job === undefined) return;
      job.signal?.removeEventListener('abort', job.onAbort);
      const limits = this.#options.limits;
      const request = { id: this.#nextId++, code: job.code, inputJson: job.inputJson, limits };
      slot.run(request, limits.timeoutMs + BACKSTOP_GRACE_MS, job.signal).then(job.resolve, job.reject);
    }
  }

  #dropQueued(job: QueuedJob): void {
    this.#queue.remove(job.principal, job);
    job.reject(new WardenError('CANCELLED'));
  }

  #rejectQueued(job: QueuedJob, error: WardenError): void {
    job.signal?.removeEventListener('abort', job.onAbort);
    job.reject(error);
  }
}
