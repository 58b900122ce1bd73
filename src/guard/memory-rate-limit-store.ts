import type { AcquireOutcome, RateLimitStore, WindowCheck } from './rate-limit-store.js';

/** Acquires between two sweeps of idle keys. */
export const PRUNE_EVERY_ACQUIRES = 4096;

/**
 * Sliding log of the admissions inside the current window, oldest first, kept as buckets: a call is admitted iff
 * fewer than `max` admissions lie within the last `windowMs`. A bucket holds the admissions made within
 * `granularityMs` of its first one and leaves the window only when its newest admission does, so the log never
 * admits more than `max` in any `windowMs` (it may refuse at most `granularityMs` early). Windows up to
 * MAX_BUCKETS ms have 1 ms buckets and are exact. Memory is bounded by the window, not by the traffic: at most
 * about MAX_BUCKETS buckets per key, however many calls it admits.
 */
interface SlidingLog {
  /** Per bucket, flat: [first admission time, newest admission time, count]. */
  buckets: number[];
  /** Index of the oldest live bucket's first field. */
  head: number;
  /** Admissions in the live buckets. */
  total: number;
  max: number;
  windowMs: number;
  granularityMs: number;
  last: number;
}

/** Most buckets a window is divided into. */
export const MAX_BUCKETS = 1000;
/** Fields of one bucket in `buckets`. */
const STRIDE = 3;
/** Dropped fields at the front of a log before its array is compacted. */
const COMPACT_AFTER_FIELDS = 1024 * STRIDE;

function expire(log: SlidingLog, now: number): void {
  const cutoff = now - log.windowMs;
  const b = log.buckets;
  while (log.head < b.length && (b[log.head + 1] ?? Infinity) <= cutoff) {
    log.total -= b[log.head + 2] ?? 0;
    log.head += STRIDE;
  }
  if (log.head === b.length) {
    log.buckets = [];
    log.head = 0;
    log.total = 0;
  } else if (log.head >= COMPACT_AFTER_FIELDS && log.head * 2 >= b.length) {
    log.buckets = b.slice(log.head);
    log.head = 0;
  }
}

function isFull(log: SlidingLog, now: number): boolean {
  expire(log, now);
  return log.total >= log.max;
}

function refusal(check: WindowCheck, log: SlidingLog, now: number): AcquireOutcome {
  // The oldest bucket frees its admissions once its newest one is a whole window old.
  const oldest = log.buckets[log.head + 1] ?? now;
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
  const b = log.buckets;
  const tail = b.length - STRIDE;
  if (tail >= log.head && now < (b[tail] ?? -Infinity) + log.granularityMs) {
    b[tail + 1] = Math.max(b[tail + 1] ?? now, now);
    b[tail + 2] = (b[tail + 2] ?? 0) + 1;
  } else {
    b.push(now, now, 1);
  }
  log.total++;
  log.last = now;
}

/** The in-memory {@link RateLimitStore} of a single instance. */
export function createMemoryRateLimitStore(): RateLimitStore & {
  /** Buckets held across every key (memory, for tests). */
  buckets(): number;
} {
  const logs = new Map<string, SlidingLog>();
  const inFlight = new Map<string, number>();
  let acquiresSincePrune = 0;

  const logFor = (check: WindowCheck): SlidingLog => {
    let log = logs.get(check.key);
    if (!log || log.max !== check.max || log.windowMs !== check.windowMs) {
      log = {
        buckets: [],
        head: 0,
        total: 0,
        max: check.max,
        windowMs: check.windowMs,
        granularityMs: Math.max(1, Math.floor(check.windowMs / MAX_BUCKETS)),
        last: -Infinity,
      };
      logs.set(check.key, log);
    }
    return log;
  };

  const store: RateLimitStore & { buckets(): number } = {
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
    buckets: () => {
      let n = 0;
      for (const log of logs.values()) n += (log.buckets.length - log.head) / STRIDE;
      return n;
    },
  };
  return store;
}
