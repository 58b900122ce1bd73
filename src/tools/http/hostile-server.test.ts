import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWardenError } from '../../errors/index.js';
import { parseAllowList } from '../../net/index.js';
import { safeFetch } from './fetch.js';

// Raw answers a malicious (but allowed) server could send; node:http's own test servers cannot produce them.
const ANSWERS: Record<string, (socket: Socket) => void> = {
  '/upgrade': (s) =>
    void s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'),
  '/smuggle': (s) =>
    s.end('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'),
  '/huge-head': (s) => s.end(`HTTP/1.1 200 OK\r\nX-Pad: ${'a'.repeat(40 * 1024)}\r\n\r\n`),
  '/http09': (s) => s.end('no status line at all'),
  '/cut-body': (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc'),
  '/early-hints-forever': (s) => {
    const timer = setInterval(
      () => s.writable && s.write('HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n'),
      5,
    );
    s.once('close', () => clearInterval(timer));
  },
};

let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((socket) => {
    // The client drops these connections on purpose; a reset here is expected, not a test failure.
    socket.on('error', () => undefined);
    let head = '';
    socket.on('data', (data: Buffer) => {
      head += data.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      ANSWERS[head.split(' ')[1] ?? '']?.(socket);
      head = '';
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address !== null ? address.port : 0;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** The error code of a fetch, or STILL_PENDING when it has not settled well after its own deadline. */
async function outcome(path: string, timeoutMs: number): Promise<string> {
  const fetching = safeFetch(
    { url: `http://127.0.0.1:${port}${path}`, method: 'GET', headers: [], body: undefined },
    {
      allow: parseAllowList([`127.0.0.1:${port}`]),
      httpsOnly: false,
      maxBytes: 1000,
      timeoutMs,
      maxRedirects: 0,
    },
    new AbortController().signal,
  ).then(
    () => 'NO_ERROR',
    (error: unknown) => (isWardenError(error) ? error.code : `NON_WARDEN: ${String(error)}`),
  );
  const pending = new Promise<string>((resolve) =>
    setTimeout(() => resolve('STILL_PENDING'), timeoutMs + 1000),
  );
  return Promise.race([fetching, pending]);
}

describe('http_fetch against hostile answers from an allowed server', () => {
  it.each([
    ['a 101 Upgrade answer to a plain request (node:http drops it silently)', 'HTTP_FAILED', '/upgrade'],
    ['Content-Length together with Transfer-Encoding (response smuggling)', 'HTTP_FAILED', '/smuggle'],
    ['a header block over the 32 KiB limit', 'HTTP_FAILED', '/huge-head'],
    ['an HTTP/0.9 answer without a status line', 'HTTP_FAILED', '/http09'],
    ['a body cut short of its Content-Length', 'HTTP_FAILED', '/cut-body'],
    ['an endless stream of 1xx answers', 'HTTP_TIMEOUT', '/early-hints-forever'],
  ])('ends %s with %s, within the deadline', async (_name, code, path) => {
    expect(await outcome(path, 300)).toBe(code);
  });
});
