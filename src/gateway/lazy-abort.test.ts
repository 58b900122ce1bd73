import { describe, expect, it } from 'vitest';
import { LazyAbortController } from './session.js';

describe('LazyAbortController', () => {
  it('hands out one signal that a later abort reaches', () => {
    const controller = new LazyAbortController();
    const signal = controller.signal;
    expect(controller.signal).toBe(signal);
    let fired = 0;
    signal.addEventListener('abort', () => fired++);
    controller.abort();
    expect(signal.aborted).toBe(true);
    expect(fired).toBe(1);
  });

  it('hands out an already aborted signal after an abort that came first', () => {
    const controller = new LazyAbortController();
    controller.abort();
    expect(controller.signal.aborted).toBe(true);
  });

  it('stays unaborted until aborted', () => {
    expect(new LazyAbortController().signal.aborted).toBe(false);
  });
});
