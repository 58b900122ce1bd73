// Graceful shutdown of a gateway with built-ins in flight: stop() while js_eval and shell_run run ends them
// cleanly and leaves no worker thread and no child process behind.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startWarden, type RunningWarden } from '../../src/app/start.js';
import { configFromObject } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import { TestClient, textOf } from './helpers/mcp-http-client.js';
import { alive } from './helpers/cli.js';

const threadCount = (): number => readdirSync('/proc/self/task').length;

function childPids(): number[] {
  const out: number[] = [];
  for (const t of readdirSync('/proc/self/task')) {
    try {
      for (const p of readFileSync(`/proc/self/task/${t}/children`, 'utf8').trim().split(/\s+/))
        if (p) out.push(Number(p));
    } catch {
      // The thread ended between listing and reading: it has no children to report.
    }
  }
  return out.filter((p) => alive(p));
}

async function settle(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

function configIn(dir: string, shellAllow: Record<string, unknown> = { ls: {}, sleep: {} }) {
  mkdirSync(join(dir, 'work'), { recursive: true });
  return configFromObject(
    {
      listen: { http: '127.0.0.1:0' },
      auth: { mode: 'none' },
      policy: { default: 'allow' },
      store: { sqlite: 'warden.db' },
      builtins: {
        echo: {},
        fs: { roots: ['work'] },
        shell: { allow: shellAllow, timeoutMs: 20_000 },
        js: { timeoutMs: 5_000, workers: 2 },
      },
    },
    { baseDir: dir },
  );
}

async function startAndUse(dir: string): Promise<{ warden: RunningWarden; client: TestClient }> {
  const warden = await startWarden(configIn(dir), { logger: silentLogger() });
  const client = new TestClient({ url: `http://127.0.0.1:${warden.address!.port}/mcp` });
  await client.initialize();
  expect((await client.call('js_eval', { code: '1 + 1' })).structuredContent).toMatchObject({ result: 2 });
  expect((await client.call('shell_run', { command: 'ls', args: [] })).isError).toBeFalsy();
  return { warden, client };
}

describe('graceful shutdown with built-ins', () => {
  it('ends an evaluation and a command in flight and leaves no threads or child processes', async () => {
    // Warm up once so that lazily created, process-lifetime threads (libuv pool, V8 platform) exist before counting.
    const warm = await startAndUse(mkdtempSync(join(tmpdir(), 'warden-stop-warm-')));
    await warm.warden.stop();
    await settle(() => childPids().length === 0, 2000);
    const threadsBefore = threadCount();
    const childrenBefore = childPids();

    const { warden, client } = await startAndUse(mkdtempSync(join(tmpdir(), 'warden-stop-')));
    expect(threadCount()).toBeGreaterThan(threadsBefore);
    const evaluation = client.call('js_eval', { code: 'for (;;) {}' }).then(
      (r) => ({ ok: true as const, r }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    const command = client.call('shell_run', { command: 'sleep', args: ['30'] }).then(
      (r) => ({ ok: true as const, r }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    await settle(() => childPids().length > childrenBefore.length, 3000);
    const sleeper = childPids().filter((p) => !childrenBefore.includes(p));
    expect(sleeper.length).toBeGreaterThan(0);

    const stopStarted = Date.now();
    await warden.stop();
    const stopMs = Date.now() - stopStarted;
    const [e, c] = await Promise.all([evaluation, command]);
    // Either a clean tool error or a closed connection; never a hang until the 5 s / 20 s limits.
    for (const outcome of [e, c]) {
      if (outcome.ok) {
        expect(outcome.r.isError).toBe(true);
        expect(textOf(outcome.r)).toMatch(/^[A-Z_]+: /);
        expect(textOf(outcome.r)).not.toMatch(/\n\s+at /);
      } else {
        expect(outcome.e).toBeInstanceOf(Error);
      }
    }
    expect(stopMs).toBeLessThan(4_000);
    expect(await settle(() => sleeper.every((p) => !alive(p)), 3000)).toBe(true);
    expect(await settle(() => threadCount() <= threadsBefore, 3000)).toBe(true);
    expect(childPids().filter((p) => !childrenBefore.includes(p))).toEqual([]);
  }, 30_000);

  it('a start that fails (sh in the shell allowlist) leaves no threads behind', async () => {
    const warm = await startAndUse(mkdtempSync(join(tmpdir(), 'warden-stop-warm2-')));
    await warm.warden.stop();
    await settle(() => false, 200);
    const threadsBefore = threadCount();
    const dir = mkdtempSync(join(tmpdir(), 'warden-stop-bad-'));
    await expect(startWarden(configIn(dir, { sh: {} }), { logger: silentLogger() })).rejects.toBeDefined();
    await settle(() => threadCount() <= threadsBefore, 2000);
    expect(threadCount(), 'threads left by the failed start').toBeLessThanOrEqual(threadsBefore);
  }, 20_000);
});
