import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttle } from './throttle.js';

describe('throttle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs the first call at once and folds a flood inside the interval into one run at its end', () => {
    const action = vi.fn();
    const throttled = throttle(action, 1000);
    throttled();
    expect(action).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 10_000; i++) throttled();
    expect(action).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(999);
    expect(action).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(action).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(5000);
    expect(action).toHaveBeenCalledTimes(2);
  });

  it('runs a call after a quiet interval at once', () => {
    const action = vi.fn();
    const throttled = throttle(action, 1000);
    throttled();
    vi.advanceTimersByTime(1500);
    throttled();
    expect(action).toHaveBeenCalledTimes(2);
  });

  it('drops a deferred run when cancelled', () => {
    const action = vi.fn();
    const throttled = throttle(action, 1000);
    throttled();
    throttled();
    throttled.cancel();
    vi.advanceTimersByTime(2000);
    expect(action).toHaveBeenCalledTimes(1);
  });
});
