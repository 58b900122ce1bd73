import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { httpConfigSchema } from '../../config/builtins.js';
import { isWardenError } from '../../errors/index.js';
import type { ToolResult } from '../../mcp/wire.js';
import { startRecordingServer, type Hit, type RecordingServer } from '../../../test/e2e/http-servers.js';
import { heldResolver } from '../../net/test-resolver.js';
import { MAX_LOOKUP_POOL_THREADS, type Resolver } from '../../net/index.js';
import { createHttpTools } from './http-tools.js';

const TIMEOUT_MS = 1000;
const hits: Hit[] = [];
let server: RecordingServer;

beforeAll(async () => {
  server = await startRecordingServer('127.0.0.1', 0, hits);
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  hits.length = 0;
  // Only the fetch deadline is faked; sockets and the lookup scripting run on real I/O.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

async function fetchWith(url: string, resolve: Resolver, signal?: AbortSignal): Promise<ToolResult> {
  const config = httpConfigSchema.parse({ allow: [`127.0.0.1:${server.port}`], timeoutMs: TIMEOUT_MS });
  const family = await createHttpTools(config, { resolve });
  return family.tools[0]!.call({ url }, { signal: signal ?? new AbortController().signal, requestId: 't' });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'NO_ERROR';
  } catch (error) {
    return isWardenError(error) ? error.code : `NON_WARDEN: ${String(error)}`;
  }
}

/** Waits, on real I/O turns rather than time, until `done` holds; fails the test if it never does. */
async function until(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1000 && !done(); turn += 1) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(done()).toBe(true);
}

/** Names that fill every lookup slot, and one more. */
const SLOTS = MAX_LOOKUP_POOL_THREADS;
const names = (count: number): string[] => Array.from({ length: count }, (_, i) => `n${i}`);

describe('http_fetch: names whose DNS never answers cannot hold more than half the pool', () => {
  it('ends a fetch queued behind hung lookups with HTTP_TIMEOUT without looking it up, while literal URLs still work', async () => {
    const { resolve, asked, answerAll } = heldResolver(MAX_LOOKUP_POOL_THREADS);
    const url = (name: string): string => `http://${name}.test:${server.port}/`;
    const hung = names(SLOTS + 1).map((name) => codeOf(fetchWith(url(name), resolve)));
    await until(() => asked.length === SLOTS);

    const literal = await fetchWith(`http://127.0.0.1:${server.port}/`, resolve);
    expect(literal.content).toEqual([{ type: 'text', text: `hello from ${server.label}` }]);

    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect(await Promise.all(hung)).toEqual(names(SLOTS + 1).map(() => 'HTTP_TIMEOUT'));
    expect(asked).toEqual(names(SLOTS).map((name) => `${name}.test`));

    // The hung lookups return long after their fetches gave up: only now are their slots free again.
    answerAll();
    const later = fetchWith(url('later'), resolve);
    await until(() => asked.length === SLOTS + 1);
    answerAll();
    expect((await later).structuredContent).toMatchObject({ status: 200 });
    expect(asked).toEqual([...names(SLOTS).map((name) => `${name}.test`), 'later.test']);
    expect(hits.map((h) => h.headers.host)).toEqual([
      `127.0.0.1:${server.port}`,
      `later.test:${server.port}`,
    ]);
  });

  it('ends a fetch cancelled while queued for a lookup slot with CANCELLED without looking it up', async () => {
    const { resolve, reached, asked, answerAll } = heldResolver(MAX_LOOKUP_POOL_THREADS);
    const held = names(SLOTS).map((name) =>
      codeOf(fetchWith(`http://${name}.test:${server.port}/`, resolve)),
    );
    await until(() => asked.length === SLOTS);
    const caller = new AbortController();
    const queued = codeOf(fetchWith(`http://queued.test:${server.port}/`, resolve, caller.signal));
    await until(() => reached.includes('queued.test'));
    caller.abort();
    expect(await queued).toBe('CANCELLED');
    answerAll();
    expect(await Promise.all(held)).toEqual(names(SLOTS).map(() => 'NO_ERROR'));
    expect(asked).toEqual(names(SLOTS).map((name) => `${name}.test`));
  });
});
