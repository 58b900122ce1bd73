import { isIP } from 'node:net';
import { WardenError, isWardenError } from '../errors/index.js';

/**
 * Most host-name lookups running at once, in libuv thread-pool threads. `dns.lookup` runs getaddrinfo on that
 * pool (4 threads by default) and cannot be cancelled, while the audit log's fdatasync and all file work need
 * the same threads: names that never answer must never be able to hold more than half of them.
 */
export const MAX_LOOKUP_POOL_THREADS = 2;

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
