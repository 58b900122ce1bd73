import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isWardenError } from '../errors/index.js';
import { MAX_JSON_DEPTH } from './jsonrpc.js';
import { createLegacySsePipe, nestsDeeperThan, type LegacySsePipe } from './legacy-sse.js';

// A legacy HTTP+SSE upstream on loopback that the test drives: it sends the endpoint event, then whatever the
// test writes to its event stream.
let server: Server | undefined;
let pipe: LegacySsePipe | undefined;

afterEach(async () => {
  await pipe?.close();
  pipe = undefined;
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
  }
});

async function startUpstream(options: { hangPosts?: boolean } = {}): Promise<{
  url: string;
  stream: Promise<ServerResponse>;
  closed: Promise<void>;
  postsClosed: () => number;
}> {
  let postsClosed = 0;
  let opened!: (res: ServerResponse) => void;
  let ended!: () => void;
  const stream = new Promise<ServerResponse>((resolve) => (opened = resolve));
  const closed = new Promise<void>((resolve) => (ended = resolve));
  server = createServer((req, res) => {
    if (req.method !== 'GET') {
      req.resume();
      res.on('close', () => postsClosed++);
      // A hostile endpoint takes the POST and never answers it.
      if (!options.hangPosts) res.writeHead(202).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('event: endpoint\ndata: /messages\n\n');
    res.on('close', ended);
    opened(res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/sse`, stream, closed, postsClosed: () => postsClosed };
}

const notification = (data: string): string =>
  JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data } });

describe('legacy SSE event size limit', () => {
  it('closes the pipe when one event grows past the limit, instead of buffering it', async () => {
    const upstream = await startUpstream();
    pipe = createLegacySsePipe(upstream.url, {}, { maxEventBytes: 1024 * 1024 });
    const closed = new Promise<string>((resolve) => (pipe!.onclose = resolve));
    await pipe.start();
    const res = await upstream.stream;
    // One line that never ends: 4 MiB in 64 KiB chunks.
    res.write('data: ');
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 64 && !res.destroyed; i++) res.write(chunk);
    expect(await closed).toBe('upstream sent an event larger than 1048576 bytes');
    await upstream.closed;
  });

  it('counts each event on its own: many events together larger than the limit all arrive', async () => {
    const upstream = await startUpstream();
    pipe = createLegacySsePipe(upstream.url, {}, { maxEventBytes: 1024 * 1024 });
    const received: unknown[] = [];
    let closedWith: string | undefined;
    pipe.onmessage = (m) => received.push(m);
    pipe.onclose = (reason) => (closedWith = reason);
    await pipe.start();
    const res = await upstream.stream;
    const big = 'y'.repeat(600 * 1024);
    res.write(`event: message\ndata: ${notification(big)}\n\n`);
    res.write(`event: message\r\ndata: ${notification(big)}\r\n\r\n`);
    // A parser cannot tell a lone CR from the start of CRLF until the next byte: a comment line follows.
    res.write(`event: message\rdata: ${notification(big)}\r\r: more\n`);
    await expect.poll(() => received.length, { timeout: 5000 }).toBe(3);
    expect(closedWith).toBeUndefined();
  });
});

describe('legacy SSE message depth', () => {
  const nested = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

  it('drops a message nested deeper than the gateway accepts, and reports it; the next one arrives', async () => {
    const upstream = await startUpstream();
    const dropped: string[] = [];
    pipe = createLegacySsePipe(upstream.url, {}, { onDropped: (reason) => dropped.push(reason) });
    const received: Array<{ params?: { data?: unknown } }> = [];
    pipe.onmessage = (m) => received.push(m as (typeof received)[number]);
    await pipe.start();
    const res = await upstream.stream;
    const message = (data: string): string =>
      `event: message\ndata: {"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":${data}}}\n\n`;
    // The envelope and params take two levels: 62 more is the deepest message that passes.
    res.write(message(nested(MAX_JSON_DEPTH - 2)));
    res.write(message(nested(MAX_JSON_DEPTH - 1)));
    res.write(message(nested(100_000)));
    res.write(message('"after"'));
    await expect.poll(() => received.length, { timeout: 5000 }).toBe(2);
    expect(received[1]!.params!.data).toBe('after');
    expect(dropped).toEqual([
      'upstream sent a message nested too deeply; dropped',
      'upstream sent a message nested too deeply; dropped',
    ]);
  });

  it('measures depth without recursion, so a value of 100,000 levels cannot overflow the stack', () => {
    const deep: unknown = JSON.parse(nested(100_000));
    expect(nestsDeeperThan(deep, MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan(JSON.parse(nested(MAX_JSON_DEPTH)), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(JSON.parse(nested(MAX_JSON_DEPTH + 1)), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan({ a: 'x', b: [1, { c: null }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: 'x', b: [1, { c: {} }] }, 3)).toBe(true);
  });
});

describe('legacy SSE POST deadline', () => {
  const ping = { jsonrpc: '2.0' as const, id: 1, method: 'ping' };

  it('fails a POST the endpoint never answers with UPSTREAM_TIMEOUT, and lets its connection go', async () => {
    const upstream = await startUpstream({ hangPosts: true });
    pipe = createLegacySsePipe(upstream.url, {}, { postTimeoutMs: 200 });
    await pipe.start();
    const started = performance.now();
    await expect(pipe.send(ping)).rejects.toSatisfy((e) => isWardenError(e, 'UPSTREAM_TIMEOUT'));
    expect(performance.now() - started).toBeLessThan(2000);
    await expect.poll(upstream.postsClosed, { timeout: 2000 }).toBe(1);
  });

  it('sends to an endpoint that acknowledges', async () => {
    const upstream = await startUpstream();
    pipe = createLegacySsePipe(upstream.url, {}, { postTimeoutMs: 200 });
    await pipe.start();
    await pipe.send(ping);
    await pipe.send(ping);
    await expect.poll(upstream.postsClosed, { timeout: 2000 }).toBe(2);
  });
});
