import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const BENCH = fileURLToPath(new URL('../../bench/', import.meta.url));

interface LatencySummary {
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}
interface Trend {
  growthBytes: number;
  slopeBytesPerS: number | null;
  secondHalfSlopeBytesPerS: number | null;
}
interface Child {
  pid: number;
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  stop(): Promise<unknown>;
}
interface LoadPoint {
  connections: number;
  rps: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  p50Ms: number;
}
interface BenchModules {
  createLatencyRecorder: () => { record(ms: number): void; summary(): LatencySummary };
  memoryTrend: (samples: { t: number; value: number | null }[]) => Trend | null;
  startChild: (command: string, args: string[], options?: { env?: Record<string, string> }) => Child;
  assertLoopbackOnly: (pid: number, label: string) => void;
  runLoad: (job: Record<string, unknown>) => Promise<LoadPoint[]>;
  throughputTable: (results: unknown) => string;
}

// The harness is plain ESM JavaScript (run by node, not compiled), so it is loaded by URL at run time.
async function loadBench(): Promise<BenchModules> {
  const load = (path: string): Promise<Record<string, unknown>> =>
    import(new URL(path, `file://${BENCH}`).href);
  const modules = await Promise.all(
    [
      'lib/histogram.mjs',
      'lib/trend.mjs',
      'lib/proc.mjs',
      'lib/loopback-check.mjs',
      'lib/cannon.mjs',
      'lib/report.mjs',
    ].map(load),
  );
  return Object.assign({}, ...modules) as BenchModules;
}

const started: Child[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((c) => c.stop()));
});

async function startFloor(bench: BenchModules): Promise<{ url: string; child: Child }> {
  const child = bench.startChild(process.execPath, [`${BENCH}servers/floor.mjs`]);
  started.push(child);
  const [, port] = await child.waitForStdout(/LISTENING (\d+)/);
  return { url: `http://127.0.0.1:${port}/mcp`, child };
}

function runScript(args: string[], input: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stdin.end(input);
  return once(child, 'exit').then(() => out);
}

describe('bench harness', () => {
  it('the loopback preload forces listen() with no host or a wildcard host onto 127.0.0.1', async () => {
    const script = `
      const http = require('node:http');
      const forms = [[0], [0, '0.0.0.0'], [0, '::'], [{ port: 0 }], [{ port: 0, host: '0.0.0.0' }], [], [0, 511]];
      (async () => {
        const out = [];
        for (const f of forms) {
          const s = http.createServer();
          await new Promise((r) => s.listen(...f, r));
          out.push(s.address().address);
          s.close();
        }
        process.stdout.write(JSON.stringify(out));
      })();`;
    const env = { ...process.env, NODE_OPTIONS: `--require ${BENCH}loopback-preload.cjs` };
    const out = await runScript(['-e', script], '', env);
    expect(JSON.parse(out)).toEqual(Array(7).fill('127.0.0.1'));
  });

  it('the floor answers a tools/call, and refuses malformed JSON, other methods and GET', async () => {
    const bench = await loadBench();
    const { url, child } = await startFloor(bench);
    bench.assertLoopbackOnly(child.pid, 'floor');
    const post = async (body: string): Promise<[number, unknown]> => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      return [res.status, await res.json()];
    };
    const call = {
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'echo', arguments: { message: 'hi' } },
    };
    expect(await post(JSON.stringify(call))).toEqual([
      200,
      { jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'Echo: hi' }] } },
    ]);
    expect(await post('{"jsonrpc":')).toEqual([
      400,
      { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } },
    ]);
    expect(await post('[1,2]')).toEqual([
      200,
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } },
    ]);
    expect(await post(JSON.stringify({ ...call, method: 'tools/list' }))).toEqual([
      200,
      { jsonrpc: '2.0', id: 7, error: { code: -32601, message: 'Method not found' } },
    ]);
    const get = await fetch(url);
    expect([get.status, await get.json()]).toEqual([405, { error: 'POST only' }]);
  });

  it('many-tools answers initialize, lists N tools, calls one, and rejects unknown tools and bad lines', async () => {
    const lines = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18' } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      {
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { name: 'tool_2', arguments: { message: 'x' } },
      },
      { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'tool_3' } },
    ].map((m) => JSON.stringify(m));
    const out = await runScript(
      [`${BENCH}servers/many-tools.mjs`, '--tools', '3'],
      [...lines, 'not json', ''].join('\n'),
    );
    const replies = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: unknown; result?: { tools?: { name: string }[] }; error?: unknown });
    expect(replies).toHaveLength(5);
    expect(replies[0]).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: {
        protocolVersion: '2025-06-18',
        capabilities: { tools: {} },
        serverInfo: { name: 'bench-many-tools', version: '1.0.0' },
      },
    });
    expect(replies[1]?.result?.tools?.map((t) => t.name)).toEqual(['tool_0', 'tool_1', 'tool_2']);
    expect(replies[2]).toEqual({
      jsonrpc: '2.0',
      id: 3,
      result: { content: [{ type: 'text', text: 'Echo: x' }] },
    });
    expect(replies[3]).toEqual({ jsonrpc: '2.0', id: 4, error: { code: -32602, message: 'Unknown tool' } });
    expect(replies[4]).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
  });

  it('many-tools refuses a tool count outside 1..10000', async () => {
    const child = spawn(process.execPath, [`${BENCH}servers/many-tools.mjs`, '--tools', '0'], {
      stdio: 'ignore',
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).not.toBe(0);
  });

  it('the latency recorder keeps microseconds and exact percentiles', async () => {
    const { createLatencyRecorder } = await loadBench();
    const recorder = createLatencyRecorder();
    expect(recorder.summary()).toMatchObject({ count: 0, p50Ms: null, p99Ms: null, maxMs: null });
    for (let i = 1; i <= 100; i += 1) recorder.record(i * 0.001);
    recorder.record(250);
    expect(recorder.summary()).toMatchObject({ count: 101, p50Ms: 0.051, p99Ms: 0.1, maxMs: 250 });
    recorder.record(-5);
    expect(recorder.summary().count).toBe(102);
  });

  it('the memory trend separates flat from growing series and ignores missing samples', async () => {
    const { memoryTrend } = await loadBench();
    const flat = Array.from({ length: 50 }, (_, t) => ({ t, value: 100e6 + (t % 2) * 1e6 }));
    const growing = Array.from({ length: 50 }, (_, t) => ({ t, value: 100e6 + t * 1e6 }));
    expect(memoryTrend(flat)?.growthBytes).toBeLessThanOrEqual(1e6);
    expect(memoryTrend(growing)).toMatchObject({
      growthBytes: 40e6,
      slopeBytesPerS: 1e6,
      secondHalfSlopeBytesPerS: 1e6,
    });
    expect(memoryTrend(Array.from({ length: 10 }, (_, t) => ({ t, value: null })))).toBeNull();
  });

  it('runLoad drives the floor from a separate process and reports req/s and sub-ms percentiles', async () => {
    const bench = await loadBench();
    const { url } = await startFloor(bench);
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'echo', arguments: { message: 'x' } },
    });
    const points = await bench.runLoad({
      url,
      headers: { 'content-type': 'application/json' },
      body,
      connectionsList: [1, 4],
      durationS: 0.5,
      warmupS: 0,
    });
    expect(points.map((p) => p.connections)).toEqual([1, 4]);
    for (const p of points) {
      expect(p).toMatchObject({ non2xx: 0, errors: 0 });
      expect(p.ok2xx).toBeGreaterThan(10);
      expect(p.rps).toBeGreaterThan(10);
      expect(p.p50Ms).toBeGreaterThan(0);
    }
  });

  it('runLoad fails a point that got no 2xx response at all', async () => {
    const bench = await loadBench();
    const { url } = await startFloor(bench);
    const job = {
      url,
      method: 'GET',
      headers: {},
      connectionsList: [1],
      durationS: 0.3,
      warmupS: 0,
      rpcIds: false,
    };
    await expect(bench.runLoad(job)).rejects.toThrow(/no 2xx responses at 1 conn/);
  });

  it('a failed target is shown as n/a with its reason, not dropped', async () => {
    const { throughputTable } = await loadBench();
    const table = throughputTable({
      throughput: [{ id: 'warden-builtin', label: 'Warden', status: 'n/a', reason: 'not built', points: [] }],
    });
    expect(table).toContain('| Warden | n/a (not built) |');
  });
});
