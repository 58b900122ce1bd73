import { Worker, type ResourceLimits } from 'node:worker_threads';
import { WardenError } from '../../errors/index.js';
import { parseWorkerMessage, type EvalOutcome, type EvalRequest } from './eval-protocol.js';

interface RunningJob {
  id: number;
  resolve: (outcome: EvalOutcome) => void;
  reject: (error: WardenError) => void;
  cleanup: () => void;
}

/** What a slot tells its pool. */
export interface EvalSlotEvents {
  /** The slot finished a job and can take another. */
  idle(slot: EvalSlot): void;
  /** The slot's worker is gone (retired after a fault, a hard timeout or a cancellation); replace it. */
  retired(slot: EvalSlot): void;
}

/** One evaluation worker thread running at most one job at a time. */
export class EvalSlot {
  /** Settles when the worker has loaded the WebAssembly module (or failed to). */
  readonly ready: Promise<void>;
  readonly #worker: Worker;
  readonly #events: EvalSlotEvents;
  #job: RunningJob | undefined;
  #loaded = false;
  #retired = false;

  constructor(entry: URL, resourceLimits: ResourceLimits, events: EvalSlotEvents) {
    this.#events = events;
    // No inherited node flags (some are invalid in workers, --input-type stops a file-based worker loading) and an
    // empty environment: nothing the worker runs needs the gateway's flags or variables.
    this.#worker = new Worker(entry, { resourceLimits, stdout: true, stderr: true, execArgv: [], env: {} });
    // Output of the engine (emscripten's own diagnostics) is dropped, never relayed to clients.
    this.#worker.stdout.resume();
    this.#worker.stderr.resume();
    this.#worker.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      this.#worker.on('message', (value: unknown) => {
        const message = parseWorkerMessage(value);
        if (message?.type === 'ready') {
          this.#loaded = true;
          resolve();
        } else if (message?.type === 'done') this.#finish(message.id, message.outcome, message.healthy);
      });
      this.#worker.on('error', (error: Error) => {
        reject(new WardenError('INTERNAL', 'the JavaScript sandbox stopped', { cause: error }));
        this.#stop(error);
      });
      this.#worker.on('exit', () => {
        reject(new WardenError('INTERNAL', 'the JavaScript sandbox stopped'));
        this.#stop(undefined);
      });
    });
    this.ready.catch(() => undefined);
  }

  /** True when the worker has loaded and can take a job now. */
  get idle(): boolean {
    return this.#loaded && !this.#retired && this.#job === undefined;
  }

  /** Runs one job; the worker is terminated if it does not answer within `backstopMs` or `signal` aborts. */
  run(request: EvalRequest, backstopMs: number, signal: AbortSignal | undefined): Promise<EvalOutcome> {
    if (!this.idle) throw new WardenError('INTERNAL', 'sandbox worker not idle');
    return new Promise<EvalOutcome>((resolve, reject) => {
      // The in-sandbox deadline normally fires first; this covers work that never reaches an interrupt check.
      const timer = setTimeout(() => {
        this.#fail(new WardenError('JS_TIMEOUT', `evaluation exceeded ${request.limits.timeoutMs} ms`));
      }, backstopMs);
      const onAbort = (): void => this.#fail(new WardenError('CANCELLED'));
      signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      this.#job = { id: request.id, resolve, reject, cleanup };
      this.#worker.postMessage(request);
    });
  }

  /** Terminates the worker; a running job is rejected with `error`. */
  async retire(error: WardenError = new WardenError('SHUTTING_DOWN')): Promise<void> {
    this.#fail(error);
    await this.#worker.terminate();
  }

  #finish(id: number, outcome: EvalOutcome, healthy: boolean): void {
    const job = this.#job;
    if (job === undefined || job.id !== id) return;
    this.#job = undefined;
    job.cleanup();
    job.resolve(outcome);
    if (healthy) this.#events.idle(this);
    else void this.retire();
  }

  #fail(error: WardenError): void {
    const job = this.#job;
    this.#job = undefined;
    if (job !== undefined) {
      job.cleanup();
      job.reject(error);
    }
    if (!this.#retired) {
      this.#retired = true;
      void this.#worker.terminate();
      this.#events.retired(this);
    }
  }

  #stop(error: Error | undefined): void {
    const outOfMemory = error !== undefined && 'code' in error && error.code === 'ERR_WORKER_OUT_OF_MEMORY';
    this.#fail(
      outOfMemory
        ? new WardenError('JS_MEMORY', 'evaluation exceeded its memory limit')
        : new WardenError('INTERNAL', 'the JavaScript sandbox stopped', { cause: error }),
    );
  }
}
