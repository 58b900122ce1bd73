import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { startWarden } from '../../src/app/start.js';
import { configFromObject } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import { fuzzMessages } from './helpers/fuzz.js';
import { TestClient, textOf } from './helpers/mcp-http-client.js';

/** Messages per transport, in rounds; at least 100,000 each, as the issue asks. */
const ROUNDS = 10;
const PER_ROUND = 10_000;
/**
 * How much the live heap (measured after a full garbage collection) may grow from round 2 to the last round.
 * A leak of 16 bytes or more per message (80,000 messages after the baseline) would exceed it.
 */
const MAX_HEAP_GROWTH_BYTES = 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function liveHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function config(extra: Record<string, unknown> = {}): ReturnType<typeof configFromObject> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-fuzz-'));
  return configFromObject(
    { builtins: { echo: {} }, policy: { default: 'allow' }, store: { sqlite: join(dir, 'w.db') }, ...extra },
    { baseDir: dir },
  );
}

/** Runs the rounds and returns the live-heap growth from after round 2 to after the last round. */
async function heapGrowth(round: () => Promise<void>): Promise<number> {
  let baseline = 0;
  for (let i = 0; i < ROUNDS; i++) {
    await round();
    await new Promise((r) => setTimeout(r, 100));
    if (i === 1) baseline = liveHeap();
  }
  return liveHeap() - baseline;
}

describe('fuzzing', () => {
  it(`survives ${ROUNDS * PER_ROUND} random and mutated messages over stdio, with a flat heap`, async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const warden = await startWarden(config(), { logger: silentLogger(), stdio: { input, output } });
    const pending = new Map<string, (m: any) => void>();
    let buffer = '';
    output.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const message = JSON.parse(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        if (typeof message.id === 'string' && pending.has(message.id)) pending.get(message.id)!(message);
      }
    });
    const ask = (id: string, method: string, params?: unknown): Promise<any> =>
      new Promise((resolve) => {
        pending.set(id, resolve);
        input.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
      });
    await ask('init', 'initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'fuzz', version: '1' },
    });
    const next = fuzzMessages(20261122);
    let roundNo = 0;
    const growth = await heapGrowth(async () => {
      for (let i = 0; i < PER_ROUND; i++) {
        if (!input.write(`${next().replace(/\n/g, ' ')}\n`)) await once(input, 'drain');
        if (i % 1000 === 0) await new Promise((r) => setImmediate(r));
      }
      // A ping with a fresh id proves every earlier line was consumed.
      expect((await ask(`sync-${roundNo++}`, 'ping')).result).toEqual({});
      pending.clear();
    });
    const echo = await ask('final', 'tools/call', { name: 'echo', arguments: { text: 'ok' } });
    expect(echo.result.content[0].text).toBe('ok');
    console.log(`live heap growth: ${growth} bytes`);
    expect(growth).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
    input.end();
    await warden.stop();
  }, 180_000);

  it(`survives ${ROUNDS * PER_ROUND} random and mutated messages over HTTP, with a flat heap`, async () => {
    const warden = await startWarden(config({ listen: { http: '127.0.0.1:0' }, auth: { mode: 'none' } }), {
      logger: silentLogger(),
    });
    const url = new URL(`http://127.0.0.1:${warden.address!.port}/mcp`);
    const client = new TestClient({ url: url.href });
    await client.initialize();
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const next = fuzzMessages(1122);
    const statuses = new Map<number, number>();
    const post = (body: string): Promise<void> =>
      new Promise((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path: '/mcp',
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json',
              accept: 'application/json, text/event-stream',
              'mcp-session-id': client.sessionId!,
            },
          },
          (res) => {
            statuses.set(res.statusCode!, (statuses.get(res.statusCode!) ?? 0) + 1);
            res.resume();
            res.once('end', resolve);
          },
        );
        req.once('error', reject);
        req.end(body);
      });
    const growth = await heapGrowth(async () => {
      let sent = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (sent < PER_ROUND) {
            sent++;
            await post(next());
          }
        }),
      );
    });
    agent.destroy();
    expect(textOf(await client.call('echo', { text: 'ok' }))).toBe('ok');
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([200, 400]));
    expect([...statuses.keys()].every((s) => [200, 202, 400, 404, 413].includes(s))).toBe(true);
    console.log(`live heap growth: ${growth} bytes`);
    expect(growth).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
    await warden.stop();
  }, 300_000);
});
