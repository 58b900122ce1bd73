/** A throttled action: call it as often as you like; it runs at most once per interval. */
export interface Throttled {
  (): void;
  /** Drops a deferred run. */
  cancel(): void;
}

/**
 * Runs `action` at once, then at most once per `intervalMs`: calls inside the interval are folded into one run at
 * its end, so the last call is never lost and a flood of calls costs one run per interval.
 */
export function throttle(action: () => void, intervalMs: number, now: () => number = Date.now): Throttled {
  let lastRun = -Infinity;
  let deferred: NodeJS.Timeout | undefined;
  const run = (): void => {
    deferred = undefined;
    lastRun = now();
    action();
  };
  const throttled = (): void => {
    if (deferred) return;
    const wait = lastRun + intervalMs - now();
    if (wait <= 0) return run();
    deferred = setTimeout(run, wait);
    deferred.unref();
  };
  throttled.cancel = (): void => {
    clearTimeout(deferred);
    deferred = undefined;
  };
  return throttled;
}
