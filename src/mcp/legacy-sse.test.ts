import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLegacySsePipe, type LegacySsePipe } from './legacy-sse.js';

// A legacy HTTP+SSE upstream on loopback that the test drives: it sends the endpoint event, then whatever the
// test writes to its event stream.
let server: Server | undefined;
let pipe: LegacySsePipe | undefined;

afterEach(async () => {
  await pipe?.close();
  pipe = undefined;
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function startUpstream(): Promise<{
  url: string;
  stream: Promise<ServerResponse>;
  closed: Promise<void>;
}> {
  let opened!: (res: ServerResponse) => void;
  let ended!: () => void;
  const stream = new Promise<ServerResponse>((resolve) => (opened = resolve));
  const closed = new Promise<void>((resolve) => (ended = resolve));
  server = createServer((req, res) => {
    if (req.method !== 'GET') return void res.writeHead(202).end();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('event: endpoint\ndata: /messages\n\n');
    res.on('close', ended);
    opened(res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/sse`, stream, closed };
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
