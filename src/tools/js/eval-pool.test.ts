import { afterEach, describe, expect, it } from 'vitest';
import { EvalPool, MAX_QUEUED_EVALS } from './eval-pool.js';
import { evalWorkerEntry } from './worker-entry.js';

const pools: EvalPool[] = [];

async function startPool(size: number, timeoutMs: number, stackBytes = 256 * 1024): Promise<EvalPool> {
  const limits = { memoryBytes: 8 * 1024 * 1024, stackBytes, timeoutMs, maxOutputBytes: 65536 };
  const pool = await EvalPool.start({ size, limits, entry: evalWorkerEntry() });
  pools.push(pool);
  return pool;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

const ok = (resultJson: string): unknown => ({ ok: true, resultJson, logs: [], logsTruncated: false });

describe('EvalPool', () => {
  it('keeps the main thread and another evaluation prompt while an infinite loop runs', async () => {
    const pool = await startPool(2, 3000);
    const started = Date.now();
    let hostileSettled = false;
    const hostile = pool.run('while (true) {}', undefined).finally(() => {
      hostileSettled = true;
    });
    const timerLagMs = await new Promise<number>((resolve) => {
      const armed = Date.now();
      setTimeout(() => resolve(Date.now() - armed - 10), 10);
    });
    const benign = await pool.run('input + 1', '41');
    const benignDoneMs = Date.now() - started;
    expect(benign).toEqual(ok('42'));
    expect(hostileSettled).toBe(false);
    // A blocked event loop would show lags of about 3000 ms; the bounds leave room for a loaded machine.
    expect(timerLagMs).toBeLessThan(500);
    expect(benignDoneMs).toBeLessThan(1500);
    expect(await hostile).toEqual({ ok: false, code: 'JS_TIMEOUT', message: 'evaluation exceeded 3000 ms' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
  });

  it('cancels a running evaluation at once and replaces its worker', async () => {
    const pool = await startPool(1, 10_000);
    const controller = new AbortController();
    const hostile = pool.run('for (;;) {}', undefined, controller.signal);
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await expect(hostile).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pool.run('[1, 2].length', undefined)).toEqual(ok('2'));
  });

  it('cancels a queued evaluation without running it', async () => {
    const pool = await startPool(1, 300);
    const first = pool.run('while (true) {}', undefined);
    const controller = new AbortController();
    const queued = pool.run('globalThis.ran = true', undefined, controller.signal);
    controller.abort();
    await expect(queued).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(pool.run('1', undefined, controller.signal)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await first).toEqual({ ok: false, code: 'JS_TIMEOUT', message: 'evaluation exceeded 300 ms' });
  });

  it('refuses evaluations beyond the queue bound with CONCURRENCY_LIMITED', async () => {
    const pool = await startPool(1, 300);
    const busy = pool.run('while (true) {}', undefined);
    const queued = Array.from({ length: MAX_QUEUED_EVALS }, (_, i) => pool.run(String(i), undefined));
    await expect(pool.run('1', undefined)).rejects.toMatchObject({ code: 'CONCURRENCY_LIMITED' });
    expect((await busy).ok).toBe(false);
    const results = await Promise.all(queued);
    expect(results).toEqual(Array.from({ length: MAX_QUEUED_EVALS }, (_, i) => ok(String(i))));
  });

  it('fails running and queued evaluations with SHUTTING_DOWN on close, and refuses new ones', async () => {
    const pool = await startPool(1, 10_000);
    const running = pool.run('for (;;) {}', undefined);
    const queued = pool.run('1', undefined);
    const runningRefused = expect(running).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
    const queuedRefused = expect(queued).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await pool.close();
    await runningRefused;
    await queuedRefused;
    await expect(pool.run('1', undefined)).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });

  // The configuration allows 8 MiB; the engine's C stack is 5 MiB. Unclamped, 8 MiB failed every evaluation with
  // JS_STACK, and 5150 KiB let recursion write over the engine's static data (out-of-bounds accesses follow).
  it.each([5150 * 1024, 8 * 1024 * 1024])(
    'keeps QuickJS inside its fixed C stack with a %i-byte limit',
    async (stackBytes) => {
      const pool = await startPool(1, 10_000, stackBytes);
      expect(await pool.run('1 + 1', undefined)).toEqual(ok('2'));
      expect(await pool.run('function f() { return f() + 1; } f()', undefined)).toEqual({
        ok: false,
        code: 'JS_STACK',
        message: 'evaluation exceeded its stack limit',
      });
      const depth = await pool.run(
        'let d = 0; function f() { d++; f(); } try { f(); } catch (e) {} d > 10000',
        undefined,
      );
      expect(depth).toEqual(ok('true'));
      expect(await pool.run('JSON.stringify({ a: [1, "x"] }) + "abc".toUpperCase()', undefined)).toEqual(
        ok('"{\\"a\\":[1,\\"x\\"]}ABC"'),
      );
    },
  );

  it('serves evaluations in parallel across workers', async () => {
    const pool = await startPool(2, 5000);
    // Each evaluation reports when it ran; in parallel the two intervals overlap, serially they cannot.
    const spin =
      'const start = Date.now(); const end = start + 500; while (Date.now() < end) {} [start, Date.now()]';
    const results = await Promise.all([pool.run(spin, undefined), pool.run(spin, undefined)]);
    const intervals = results.map((outcome) =>
      outcome.ok ? (JSON.parse(outcome.resultJson) as number[]) : [],
    );
    const [first, second] = intervals;
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(2);
    expect(first![0]!).toBeLessThan(second![1]!);
    expect(second![0]!).toBeLessThan(first![1]!);
  });
});
