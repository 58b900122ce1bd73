import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKSTOP_GRACE_MS, EvalPool } from './eval-pool.js';

// Stand-in workers speaking the pool's protocol, to drive the fault paths a real QuickJS worker rarely takes.
function fakeWorker(onRequest: string, atStart = "parentPort.postMessage({ type: 'ready' });"): URL {
  const source = `import { parentPort } from 'node:worker_threads';
${atStart}
parentPort.on('message', (request) => { ${onRequest} });`;
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`);
}

const limits = {
  memoryBytes: 8 * 1024 * 1024,
  stackBytes: 256 * 1024,
  timeoutMs: 100,
  maxOutputBytes: 65536,
};
const pools: EvalPool[] = [];

async function startPool(entry: URL): Promise<EvalPool> {
  const pool = await EvalPool.start({ size: 1, limits, entry });
  pools.push(pool);
  return pool;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

describe('EvalPool fault handling', () => {
  it('terminates a worker that never answers after timeoutMs plus the grace period, with JS_TIMEOUT', async () => {
    const pool = await startPool(fakeWorker('/* never answers */'));
    const started = Date.now();
    await expect(pool.run('1', undefined)).rejects.toMatchObject({
      code: 'JS_TIMEOUT',
      message: 'evaluation exceeded 100 ms',
    });
    const elapsedMs = Date.now() - started;
    expect(elapsedMs).toBeGreaterThanOrEqual(100 + BACKSTOP_GRACE_MS - 5);
    expect(elapsedMs).toBeLessThan(100 + BACKSTOP_GRACE_MS + 1000);
  });

  it('fails the running job with INTERNAL when its worker crashes, then serves from a replacement', async () => {
    const pool = await startPool(
      fakeWorker(
        "if (request.code === 'crash') throw new Error('boom /secret/path'); " +
          "parentPort.postMessage({ type: 'done', id: request.id, healthy: true, " +
          "outcome: { ok: true, resultJson: '7', logs: [], logsTruncated: false } });",
      ),
    );
    await expect(pool.run('crash', undefined)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'the JavaScript sandbox stopped',
    });
    expect(await pool.run('fine', undefined)).toEqual({
      ok: true,
      resultJson: '7',
      logs: [],
      logsTruncated: false,
    });
  });

  it('ignores malformed and mismatched answers from a worker', async () => {
    const pool = await startPool(
      fakeWorker(
        "parentPort.postMessage({ type: 'done', id: 'x' }); " +
          "parentPort.postMessage({ type: 'done', id: request.id + 1, healthy: true, outcome: { ok: true, resultJson: '1', logs: [], logsTruncated: false } }); " +
          "parentPort.postMessage('garbage'); " +
          "parentPort.postMessage({ type: 'done', id: request.id, healthy: true, outcome: { ok: false, code: 'JS_ERROR', message: 'real' } });",
      ),
    );
    expect(await pool.run('1', undefined)).toEqual({ ok: false, code: 'JS_ERROR', message: 'real' });
  });

  it('retires a worker that reports itself unhealthy and keeps serving', async () => {
    const pool = await startPool(
      fakeWorker(
        "parentPort.postMessage({ type: 'done', id: request.id, healthy: false, " +
          "outcome: { ok: false, code: 'JS_STACK', message: 'evaluation exceeded its stack limit' } });",
      ),
    );
    for (let i = 0; i < 3; i++) {
      expect(await pool.run('f()', undefined)).toEqual({
        ok: false,
        code: 'JS_STACK',
        message: 'evaluation exceeded its stack limit',
      });
    }
  });

  it('fails waiting evaluations of every principal with INTERNAL when no worker can be replaced', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warden-eval-pool-'));
    const broken = join(dir, 'broken');
    // Workers started once this file exists fail to load, so the crashed worker's replacements all fail.
    const loadUnlessBroken = `import { existsSync } from 'node:fs';
if (existsSync(${JSON.stringify(broken)})) throw new Error('cannot load');
parentPort.postMessage({ type: 'ready' });`;
    try {
      const pool = await startPool(fakeWorker("throw new Error('crash');", loadUnlessBroken));
      await writeFile(broken, '');
      const stopped = { code: 'INTERNAL', message: 'the JavaScript sandbox stopped' };
      const crashed = expect(pool.run('1', undefined, { principal: 'a' })).rejects.toMatchObject(stopped);
      const waiting = [{ principal: 'a' }, { principal: 'b' }, {}].map((options) =>
        expect(pool.run('2', undefined, options)).rejects.toMatchObject({
          code: 'INTERNAL',
          message: 'internal error',
        }),
      );
      await Promise.all([crashed, ...waiting]);
      await expect(pool.run('3', undefined, { principal: 'c' })).rejects.toMatchObject(stopped);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails start-up with INTERNAL when the worker cannot load', async () => {
    await expect(
      EvalPool.start({ size: 2, limits, entry: fakeWorker('', "throw new Error('cannot load');") }),
    ).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
