// Starting Warden for a measurement: a config in a fresh temporary folder, an API key, and `warden serve`.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { stringify } from 'yaml';
import { fetchClient } from './mcp-http.mjs';
import { WARDEN_CLI } from './paths.mjs';
import { freePort, lastJsonLine, runNode, startChild, waitForHttp } from './proc.mjs';

export const BENCH_PRINCIPAL = 'bench';
/** High enough never to trip during a run, low enough that every limiter still counts. */
export const GENEROUS_LIMITS = {
  principal: { max: 1_000_000_000, windowMs: 60_000 },
  tool: { max: 1_000_000_000, windowMs: 60_000 },
  global: { max: 1_000_000_000, windowMs: 60_000 },
  concurrency: 1000,
};

/** Throws unless the bundled CLI exists (Warden is built). */
export function assertWardenBuilt() {
  if (!existsSync(WARDEN_CLI)) throw new Error(`${WARDEN_CLI} missing (run npm run build)`);
}

/** An allow rule for the bench principal with an argument condition, as realistic policies have. */
export function benchAllowRule(tools = ['*'], argName = 'message') {
  return {
    name: `bench-may-call-${tools.join('-')}`,
    principals: [BENCH_PRINCIPAL],
    tools,
    effect: 'allow',
    when: [{ pointer: `/${argName}`, maxLength: 1000 }],
  };
}

/** The built-in echo tool's text argument (server-everything's echo calls it `message`). */
export const BUILTIN_ECHO_ARG = 'text';

/** Rules for the built-in echo (argument `text`) and for every other tool (argument `message`). */
export function benchRules() {
  return [benchAllowRule(['echo'], BUILTIN_ECHO_ARG), benchAllowRule(['*'], 'message')];
}

/** Writes a config (all guards on) into a new temporary folder; returns { dir, file, port, url, base, cleanup }. */
export async function writeWardenConfig({ builtins = {}, upstreams = {}, rules = benchRules(), audit } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'warden-bench-'));
  const port = await freePort();
  const config = {
    listen: { http: `127.0.0.1:${port}` },
    auth: { mode: 'api-key' },
    store: { sqlite: 'warden.db' },
    upstreams,
    builtins,
    limits: GENEROUS_LIMITS,
    policy: { default: 'deny', rules },
    logging: { level: 'warn' },
    ...(audit ? { audit } : {}),
  };
  const file = join(dir, 'warden.yaml');
  writeFileSync(file, stringify(config));
  return {
    dir,
    file,
    port,
    url: `http://127.0.0.1:${port}/mcp`,
    base: `http://127.0.0.1:${port}`,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Creates an API key for the bench principal with `warden keys create`. */
export async function createKey(file) {
  const out = await runNode(
    [WARDEN_CLI, 'keys', 'create', '--config', file, '--principal', BENCH_PRINCIPAL, '--json'],
    {
      timeoutMs: 30_000,
    },
  );
  const { key } = lastJsonLine(out);
  if (typeof key !== 'string' || key === '') throw new Error('keys create returned no key');
  return key;
}

/** Spawns `warden serve` and waits for /readyz; `nodeArgs` go before the script (e.g. --cpu-prof). */
export async function startWarden(setup, { nodeArgs = [], readyTimeoutMs = 60_000 } = {}) {
  const proc = startChild(process.execPath, [...nodeArgs, WARDEN_CLI, 'serve', '--config', setup.file], {
    cwd: setup.dir,
  });
  try {
    const exited = proc.exited.then((info) => {
      throw new Error(`warden exited (${info.code ?? info.signal}) before /readyz answered 200`);
    });
    const readyMs = await Promise.race([
      waitForHttp(`${setup.base}/readyz`, { timeoutMs: readyTimeoutMs }),
      exited,
    ]);
    exited.catch(() => undefined);
    return { proc, readyMs };
  } catch (error) {
    await proc.stop();
    throw new Error(`${error.message}; output: ${proc.tail().slice(-500)}`);
  }
}

/**
 * Reads Warden's heap, live heap (in use right after the last full collection) and RSS from /metrics; nulls when
 * absent.
 */
export async function readMemoryMetrics(base, headers, client = fetchClient) {
  const res = await client.request(`${base}/metrics`, { headers });
  const text = await res.text();
  if (res.status !== 200) return { heapUsedBytes: null, liveHeapBytes: null, rssBytes: null };
  const metric = (name) => {
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)`, 'm').exec(text);
    return match ? Number(match[1]) : null;
  };
  return {
    heapUsedBytes: metric('nodejs_heap_size_used_bytes'),
    liveHeapBytes: metric('warden_heap_live_bytes'),
    rssBytes: metric('process_resident_memory_bytes'),
  };
}
