import { afterEach, describe, expect, it } from 'vitest';
import { EvalPool, MAX_QUEUED_EVALS, MAX_QUEUED_EVALS_PER_PRINCIPAL } from './eval-pool.js';
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
const numbered = (count: number): unknown[] => Array.from({ length: count }, (_, i) => ok(String(i)));
const overShare = { code: 'CONCURRENCY_LIMITED', message: 'too many evaluations waiting for this caller' };

/** Queues `count` evaluations of `principal`, each returning its index. */
function queueMany(pool: EvalPool, principal: string | undefined, count: number): Promise<unknown>[] {
  return Array.from({ length: count }, (_, i) => pool.run(String(i), undefined, { principal }));
}

/** Queues an evaluation of `principal` that appends `label` to `order` when it completes. */
function queueLabelled(pool: EvalPool, order: string[], label: string, principal?: string): Promise<number> {
  return pool.run(JSON.stringify(label), undefined, { principal }).then(() => order.push(label));
}

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
    const hostile = pool.run('for (;;) {}', undefined, { signal: controller.signal });
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
    const queued = pool.run('globalThis.ran = true', undefined, { signal: controller.signal });
    controller.abort();
    await expect(queued).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(pool.run('1', undefined, { signal: controller.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    expect(await first).toEqual({ ok: false, code: 'JS_TIMEOUT', message: 'evaluation exceeded 300 ms' });
  });

  it('refuses evaluations beyond the queue bound with CONCURRENCY_LIMITED', async () => {
    const pool = await startPool(1, 300);
    const busy = pool.run('while (true) {}', undefined);
    const principals = Array.from(
      { length: MAX_QUEUED_EVALS / MAX_QUEUED_EVALS_PER_PRINCIPAL },
      (_, i) => `p${i}`,
    );
    const queued = principals.map((principal) => queueMany(pool, principal, MAX_QUEUED_EVALS_PER_PRINCIPAL));
    await expect(pool.run('1', undefined, { principal: 'newcomer' })).rejects.toMatchObject({
      code: 'CONCURRENCY_LIMITED',
      message: 'too many evaluations waiting',
    });
    expect((await busy).ok).toBe(false);
    for (const share of queued)
      expect(await Promise.all(share)).toEqual(numbered(MAX_QUEUED_EVALS_PER_PRINCIPAL));
  });

  it('refuses a principal beyond its share of the queue while another principal still queues', async () => {
    const pool = await startPool(1, 300);
    const busy = pool.run('while (true) {}', undefined, { principal: 'a' });
    const share = queueMany(pool, 'a', MAX_QUEUED_EVALS_PER_PRINCIPAL);
    await expect(pool.run('1', undefined, { principal: 'a' })).rejects.toMatchObject(overShare);
    const other = pool.run('"b"', undefined, { principal: 'b' });
    const [busyOutcome, otherOutcome, ...shareOutcomes] = await Promise.all([busy, other, ...share]);
    expect(busyOutcome).toEqual({ ok: false, code: 'JS_TIMEOUT', message: 'evaluation exceeded 300 ms' });
    expect(otherOutcome).toEqual(ok('"b"'));
    expect(shareOutcomes).toEqual(numbered(MAX_QUEUED_EVALS_PER_PRINCIPAL));
  });

  it('counts evaluations without a principal as one caller with one share', async () => {
    const pool = await startPool(1, 300);
    const busy = pool.run('while (true) {}', undefined);
    const share = queueMany(pool, undefined, MAX_QUEUED_EVALS_PER_PRINCIPAL);
    await expect(pool.run('1', undefined)).rejects.toMatchObject(overShare);
    expect((await busy).ok).toBe(false);
    expect(await Promise.all(share)).toEqual(numbered(MAX_QUEUED_EVALS_PER_PRINCIPAL));
  });

  it('takes waiting evaluations round-robin across principals, so a backlog does not delay another caller', async () => {
    const pool = await startPool(1, 300);
    const busy = pool.run('while (true) {}', undefined, { principal: 'a' });
    const order: string[] = [];
    const backlog = ['a1', 'a2', 'a3', 'a4'].map((label) => queueLabelled(pool, order, label, 'a'));
    const others = [queueLabelled(pool, order, 'b1', 'b'), queueLabelled(pool, order, 'c1', 'c')];
    const later = queueLabelled(pool, order, 'b2', 'b');
    await Promise.all([busy, ...backlog, ...others, later]);
    expect(order).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'a4']);
  });

  it('gives a principal its share back when one of its waiting evaluations is cancelled', async () => {
    const pool = await startPool(1, 300);
    const busy = pool.run('while (true) {}', undefined, { principal: 'a' });
    const controller = new AbortController();
    const cancelled = pool.run('"cancelled"', undefined, { principal: 'a', signal: controller.signal });
    const rest = queueMany(pool, 'a', MAX_QUEUED_EVALS_PER_PRINCIPAL - 1);
    await expect(pool.run('1', undefined, { principal: 'a' })).rejects.toMatchObject(overShare);
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED', message: 'request cancelled' });
    const last = pool.run('"last"', undefined, { principal: 'a' });
    const [busyOutcome, lastOutcome, ...restOutcomes] = await Promise.all([busy, last, ...rest]);
    expect(busyOutcome).toEqual({ ok: false, code: 'JS_TIMEOUT', message: 'evaluation exceeded 300 ms' });
    expect(lastOutcome).toEqual(ok('"last"'));
    expect(restOutcomes).toEqual(numbered(MAX_QUEUED_EVALS_PER_PRINCIPAL - 1));
  });

  it('keeps principals named __proto__, constructor or the empty string apart from each other and from calls without one', async () => {
    const pool = await startPool(1, 300);
    const busy = pool.run('while (true) {}', undefined);
    const order: string[] = [];
    const protoShare = Array.from({ length: MAX_QUEUED_EVALS_PER_PRINCIPAL }, (_, i) =>
      queueLabelled(pool, order, `__proto__ ${i}`, '__proto__'),
    );
    await expect(pool.run('1', undefined, { principal: '__proto__' })).rejects.toMatchObject(overShare);
    const others = ['constructor', 'hasOwnProperty', ''].map((principal) =>
      queueLabelled(pool, order, `"${principal}"`, principal),
    );
    const anonymous = queueLabelled(pool, order, 'no principal');
    await Promise.all([busy, ...protoShare, ...others, anonymous]);
    const protoLabels = Array.from({ length: MAX_QUEUED_EVALS_PER_PRINCIPAL }, (_, i) => `__proto__ ${i}`);
    expect(order).toEqual([
      protoLabels[0],
      '"constructor"',
      '"hasOwnProperty"',
      '""',
      'no principal',
      ...protoLabels.slice(1),
    ]);
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
