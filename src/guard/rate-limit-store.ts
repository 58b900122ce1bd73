/** One sliding-window check within an atomic acquire. */
export interface WindowCheck {
  /** Which limit this is, for headers and errors: "principal", "tool" or "global". */
  scope: string;
  key: string;
  max: number;
  windowMs: number;
}

/** Outcome of an acquire: admitted, or refused by the first failing limit. */
export type AcquireOutcome =
  | { ok: true }
  | {
      ok: false;
      scope: string;
      limit: number;
      remaining: number;
      /** Milliseconds until a call would be admitted again. */
      retryAfterMs: number;
      /** Milliseconds until the window has fully drained. */
      resetMs: number;
      windowMs: number;
    };

/**
 * Shared state of the rate limiter. `acquire` is atomic across all the checks and the concurrency slot: either
 * every window records the call and the slot is taken, or nothing changes. In memory now; Redis (a Lua script)
 * in the scale-out work.
 */
export interface RateLimitStore {
  acquire(
    windows: readonly WindowCheck[],
    concurrency: { key: string; max: number } | undefined,
    now: number,
  ): AcquireOutcome;
  release(concurrencyKey: string): void;
  /** Drops state of keys idle for longer than their window. */
  prune(now: number): void;
  /** Keys currently held (for tests and metrics). */
  size(): number;
}
