import type { AcquireOutcome, RateLimitStore, WindowCheck } from './rate-limit-store.js';

/** Acquires between two sweeps of idle keys. */
export const PRUNE_EVERY_ACQUIRES = 4096;

/**
 * Sliding log of the admission times inside the current window, oldest first: a call is admitted iff fewer than
 * `max` admissions lie within the last `windowMs`. Exact (no window boundary ever admits more than `max` in any
 * `windowMs`), amortised O(1) per call, and memory proportional to recent traffic (at most `max` entries).
 */
interface SlidingLog {
  times: number[];
  head: number;
  max: number;
  windowMs: number;
  last: number;
}

/** Dropped entries at the front of a log before its array is compacted. */
const COMPACT_AFTER_ENTRIES = 1024;

function expire(log: SlidingLog, now: number): void {
  const cutoff = now - log.windowMs;
  while (log.head < log.times.length && (log.times[log.head] ?? Infinity) <= cutoff) log.head++;
  if (log.head === log.times.length) {
    log.times = [];
    log.head = 0;
  } else if (log.head >= COMPACT_AFTER_ENTRIES && log.head * 2 >= log.times.length) {
    log.times = log.times.slice(log.head);
    log.head = 0;
  }
}

function isFull(log: SlidingLog, now: number): boolean {
  expire(log, now);
  return log.times.length - log.head >= log.max;
}

function refusal(check: WindowCheck, log: SlidingLog, now: number): AcquireOutcome {
  const oldest = log.times[log.head] ?? now;
  return {
    ok: false,
    scope: check.scope,
    limit: check.max,
    remaining: 0,
    retryAfterMs: Math.max(1, oldest + check.windowMs - now),
    resetMs: Math.max(1, log.last + check.windowMs - now),
    windowMs: check.windowMs,
  };
}

function record(log: SlidingLog, now: number): void {
  log.times.push(now);
  log.last = now;
}

/** The in-memory {@link RateLimitStore} of a single instance. */
export function createMemoryRateLimitStore(): RateLimitStore {
  const logs = new Map<string, SlidingLog>();
  const inFlight = new Map<string, number>();
  let acquiresSincePrune = 0;

  const logFor = (check: WindowCheck): SlidingLog => {
    let log = logs.get(check.key);
    if (!log || log.max !== check.max || log.windowMs !== check.windowMs) {
      log = { times: [], head: 0, max: check.max, windowMs: check.windowMs, last: -Infinity };
      logs.set(check.key, log);
    }
    return log;
  };

  const store: RateLimitStore = {
    acquire(windows, concurrency, now) {
      if (++acquiresSincePrune >= PRUNE_EVERY_ACQUIRES) store.prune(now);
      const found: SlidingLog[] = [];
      for (const check of windows) {
        const log = logFor(check);
        if (isFull(log, now)) return refusal(check, log, now);
        found.push(log);
      }
      if (concurrency) {
        const current = inFlight.get(concurrency.key) ?? 0;
        if (current >= concurrency.max) {
          return {
            ok: false,
            scope: 'concurrency',
            limit: concurrency.max,
            remaining: 0,
            retryAfterMs: 1000,
            resetMs: 1000,
            windowMs: 0,
          };
        }
        inFlight.set(concurrency.key, current + 1);
      }
      for (const log of found) record(log, now);
      return { ok: true };
    },
    release(key) {
      const current = inFlight.get(key) ?? 0;
      if (current <= 1) inFlight.delete(key);
      else inFlight.set(key, current - 1);
    },
    prune(now) {
      acquiresSincePrune = 0;
      for (const [key, log] of logs) if (log.last <= now - log.windowMs) logs.delete(key);
    },
    size: () => logs.size + inFlight.size,
  };
  return store;
}
