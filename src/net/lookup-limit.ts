import { isIP } from 'node:net';
import { WardenError, isWardenError } from '../errors/index.js';

/** Threads in libuv's pool when UV_THREADPOOL_SIZE is not set. */
const DEFAULT_POOL_THREADS = 4;
/** Most threads libuv starts, whatever UV_THREADPOOL_SIZE asks for. */
const MAX_POOL_THREADS = 1024;

/**
 * Threads in libuv's pool, read the way libuv reads UV_THREADPOOL_SIZE: unset means 4, a value that is not a
 * positive integer means 1, and more than 1024 means 1024.
 */
export function libuvPoolThreads(value: string | undefined): number {
  if (value === undefined) return DEFAULT_POOL_THREADS;
  const threads = Number.parseInt(value, 10);
  if (!(threads > 0)) return 1;
  return Math.min(threads, MAX_POOL_THREADS);
}

/**
 * Most host-name lookups running at once: half of libuv's pool (at least one). `dns.lookup` runs getaddrinfo
 * on that pool and cannot be cancelled, while the audit log's fdatasync and all file work need the same
 * threads: names that never answer must never be able to hold more than half of them.
 */
export const MAX_LOOKUP_POOL_THREADS = Math.max(
  1,
  Math.floor(libuvPoolThreads(process.env.UV_THREADPOOL_SIZE) / 2),
);

/** Options of {@link limitLookups}. */
export interface LimitLookupsOptions {
  /** Lookups allowed to run at once. @default MAX_LOOKUP_POOL_THREADS */
  maxConcurrent?: number;
}

/** A host-name lookup that gives up while waiting for its turn when `signal` aborts, without ever starting. */
export type LimitedLookup<T> = (host: string, signal?: AbortSignal) => Promise<T>;

function givenUpError(signal: AbortSignal): WardenError {
  // The fetch deadline aborts with HTTP_TIMEOUT; anything else is the caller cancelling.
  const reason: unknown = signal.reason;
  return isWardenError(reason) ? reason : new WardenError('CANCELLED', undefined, { cause: reason });
}

/**
 * Wraps `lookup` so that at most `maxConcurrent` host names are looked up at once; the others wait in arrival
 * order. A slot is freed only when the lookup itself settles, even if its caller gave up long before, because
 * the thread stays busy until then. Literal IP addresses need no lookup and never wait.
 */
export function limitLookups<T>(
  lookup: (host: string) => Promise<T>,
  options: LimitLookupsOptions = {},
): LimitedLookup<T> {
  const maxConcurrent = options.maxConcurrent ?? MAX_LOOKUP_POOL_THREADS;
  let running = 0;
  // A Set keeps insertion order (FIFO) and lets a cancelled waiter leave from the middle.
  const waiting = new Set<() => void>();

  function release(): void {
    const next = waiting.values().next();
    if (next.done === true) {
      running -= 1;
      return;
    }
    waiting.delete(next.value);
    next.value();
  }

  function acquire(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(givenUpError(signal));
    if (running < maxConcurrent) {
      running += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        waiting.delete(grant);
        if (signal !== undefined) reject(givenUpError(signal));
      };
      function grant(): void {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }
      waiting.add(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  return async function limitedLookup(host, signal) {
    if (isIP(host) !== 0) return lookup(host);
    await acquire(signal);
    // The slot may have been granted in the same tick the caller gave up: pass it on instead of starting.
    if (signal?.aborted === true) {
      release();
      throw givenUpError(signal);
    }
    try {
      return await lookup(host);
    } finally {
      release();
    }
  };
}
