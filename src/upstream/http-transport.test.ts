import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, silentLogger, type Logger } from '../log/index.js';
import { LATEST_PROTOCOL_VERSION } from '../mcp/protocol.js';
import { UpstreamClient } from './client.js';
import { MAX_OPEN_EXCHANGES, RELEASE_GRACE_MS, StreamableHttpTransport } from './http-transport.js';

/** What a test upstream reads from a POST body (undefined for GET and DELETE). */
interface Message {
  id?: number;
  method?: string;
  params?: { via?: string };
}
type Handler = (req: IncomingMessage, res: ServerResponse, message: Message | undefined) => void;

const servers: Server[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** An upstream on 127.0.0.1 whose every answer `handler` writes; it gets each POST's body parsed. */
async function upstream(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => handler(req, res, body ? (JSON.parse(body) as Message) : undefined));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

function json(res: ServerResponse, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Answers initialize, notifications, GET and DELETE as the specification says; false for anything else. */
function compliant(req: IncomingMessage, res: ServerResponse, message: Message | undefined): boolean {
  if (req.method === 'GET' || req.method === 'DELETE') {
    res.writeHead(req.method === 'GET' ? 405 : 200).end();
    return true;
  }
  if (message?.method === 'initialize') {
    const result = { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, serverInfo: { name: 'h' } };
    json(res, { jsonrpc: '2.0', id: message.id, result }, { 'mcp-session-id': 'session-1' });
    return true;
  }
  if (message?.id === undefined) {
    res.writeHead(202).end();
    return true;
  }
  return false;
}

function connect(
  url: string,
  options: { ackTimeoutMs?: number; timeoutMs?: number; logger?: Logger } = {},
): UpstreamClient {
  const logger = options.logger ?? silentLogger();
  const client = new UpstreamClient('hostile', {
    logger,
    connect: () =>
      new StreamableHttpTransport({
        name: 'hostile',
        url,
        headers: {},
        logger,
        ackTimeoutMs: options.ackTimeoutMs,
      }),
    defaultTimeoutMs: options.timeoutMs ?? 2000,
    restart: false,
  });
  closers.push(() => client.close());
  return client;
}

/** Fails the test after `ms` instead of letting a hung promise run into the test timeout. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms),
    ),
  ]);
}

function sse(res: ServerResponse, ...messages: unknown[]): void {
  if (!res.headersSent) res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const m of messages) res.write(`data: ${JSON.stringify(m)}\n\n`);
}

describe('StreamableHttpTransport against a compliant upstream', () => {
  it('answers calls over JSON and over event streams, and resumes a stream cut before its answer', async () => {
    let cut: number | undefined;
    const url = await upstream((req, res, message) => {
      if (req.headers['last-event-id'] === 'e1') {
        sse(res, { jsonrpc: '2.0', id: cut, result: { via: 'resumed' } });
        return void res.end();
      }
      if (compliant(req, res, message)) return;
      const answer = { jsonrpc: '2.0', id: message!.id, result: { via: message!.params?.via } };
      if (message!.params?.via === 'json') return json(res, answer);
      if (message!.params?.via === 'sse') return void (sse(res, answer), res.end());
      cut = message!.id;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('id: e1\nretry: 10\ndata: {"jsonrpc":"2.0","method":"notifications/message","params":{}}\n\n');
    });
    const client = connect(url);
    await client.start();
    expect(await client.request('tools/call', { via: 'json' })).toEqual({ via: 'json' });
    expect(await client.request('tools/call', { via: 'sse' })).toEqual({ via: 'sse' });
    expect(await client.request('tools/call', { via: 'cut' })).toEqual({ via: 'resumed' });
  });
});

describe('StreamableHttpTransport against a hostile upstream', () => {
  const neverAcknowledged: Array<[string, (res: ServerResponse) => void, Record<string, unknown>]> = [
    [
      'no answer at all',
      () => undefined,
      { code: 'UPSTREAM_TIMEOUT', message: 'upstream did not answer within 300 ms' },
    ],
    [
      '1xx answers forever',
      (res) => void setInterval(() => res.writeProcessing(), 20).unref(),
      { code: 'UPSTREAM_TIMEOUT', message: 'upstream did not answer within 300 ms' },
    ],
    [
      '101 Switching Protocols',
      (res) => res.socket!.write('HTTP/1.1 101 Switching Protocols\r\n\r\n'),
      { code: 'UPSTREAM_ERROR', message: 'upstream answered HTTP 101' },
    ],
    [
      'an upgrade',
      (res) =>
        res.socket!.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n'),
      { code: 'UPSTREAM_UNAVAILABLE', message: 'upstream HTTP request ended without an answer' },
    ],
    [
      'a redirect',
      (res) => res.writeHead(307, { location: 'http://169.254.169.254/' }).end(),
      { code: 'UPSTREAM_ERROR', message: 'upstream answered HTTP 307' },
    ],
  ];
  it.each(neverAcknowledged)(
    'fails start at once or within the acknowledgement timeout when notifications/initialized gets %s',
    async (_, answer, error) => {
      const url = await upstream((req, res, message) => {
        if (message?.method === 'notifications/initialized') answer(res);
        else compliant(req, res, message);
      });
      const client = connect(url, { ackTimeoutMs: 300 });
      await expect(within(client.start(), 2000)).rejects.toMatchObject(error);
    },
  );

  it('ends an acknowledgement whose body never ends within the acknowledgement timeout', async () => {
    let closed = false;
    const url = await upstream((req, res, message) => {
      if (message?.method !== 'notifications/initialized') return void compliant(req, res, message);
      res.writeHead(202).write('x');
      res.once('close', () => (closed = true));
    });
    const client = connect(url, { ackTimeoutMs: 300 });
    await client.start();
    await expect.poll(() => closed, { timeout: 1500 }).toBe(true);
  });

  it('closes within the acknowledgement timeout when DELETE is never answered', async () => {
    const url = await upstream((req, res, message) => {
      if (req.method !== 'DELETE') compliant(req, res, message);
    });
    const client = connect(url, { ackTimeoutMs: 300 });
    await client.start();
    await within(client.close(), 2000);
  });

  it('refuses with UPSTREAM_UNAVAILABLE a send beyond MAX_OPEN_EXCHANGES unanswered ones', async () => {
    const url = await upstream(() => undefined);
    const transport = new StreamableHttpTransport({
      name: 'hostile',
      url,
      headers: {},
      logger: silentLogger(),
    });
    closers.push(() => transport.close());
    const unanswered = Array.from({ length: MAX_OPEN_EXCHANGES }, (_, i) =>
      transport
        .send({ jsonrpc: '2.0', method: 'notifications/message', params: { i } })
        .catch(() => undefined),
    );
    await expect(
      within(transport.send({ jsonrpc: '2.0', method: 'notifications/message' }), 500),
    ).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'too many unfinished requests to upstream',
    });
    expect(unanswered).toHaveLength(MAX_OPEN_EXCHANGES);
  });

  it('stops answering a flood of pings once MAX_OPEN_EXCHANGES answers are left unacknowledged', async () => {
    const pings = MAX_OPEN_EXCHANGES + 500;
    const undelivered: unknown[] = [];
    const logger = createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          const record = JSON.parse(chunk.toString());
          if (record.msg === 'response to upstream not delivered') undelivered.push(record.err.code);
          done();
        },
      }),
    });
    const url = await upstream((req, res, message) => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (let id = 0; id < pings; id++)
          res.write(`data: {"jsonrpc":"2.0","id":${id},"method":"ping"}\n\n`);
        return;
      }
      if (message?.method === 'initialize' || message?.method === 'notifications/initialized')
        compliant(req, res, message); // and the answers to the pings are never acknowledged
    });
    const client = connect(url, { ackTimeoutMs: 10_000, logger });
    await client.start();
    await expect
      .poll(() => undelivered.length, { timeout: 2000 })
      .toBeGreaterThanOrEqual(pings - MAX_OPEN_EXCHANGES);
    expect(new Set(undelivered)).toEqual(new Set(['UPSTREAM_UNAVAILABLE']));
  });

  it('ends a call’s event stream that the upstream leaves open after answering', async () => {
    let closed = false;
    const url = await upstream((req, res, message) => {
      if (compliant(req, res, message)) return;
      sse(res, { jsonrpc: '2.0', id: message!.id, result: { ok: true } });
      res.once('close', () => (closed = true));
    });
    const client = connect(url);
    await client.start();
    expect(await client.request('tools/call', {})).toEqual({ ok: true });
    await expect.poll(() => closed, { timeout: RELEASE_GRACE_MS + 1000 }).toBe(true);
  });

  it('ends the exchange of a call that timed out, so a hung upstream cannot keep its connections', async () => {
    let closed = false;
    const url = await upstream((req, res, message) => {
      if (compliant(req, res, message)) return;
      res.once('close', () => (closed = true));
    });
    const client = connect(url);
    await client.start();
    await expect(client.request('tools/call', {}, { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
    });
    await expect.poll(() => closed, { timeout: RELEASE_GRACE_MS + 1000 }).toBe(true);
  });

  it('drops messages nested deeper than MAX_JSON_DEPTH, in event streams and JSON bodies', async () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const url = await upstream((req, res, message) => {
      if (compliant(req, res, message)) return;
      if (message!.params?.via === 'json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(`{"jsonrpc":"2.0","id":${message!.id},"result":{"v":${deep}}}`);
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: {"jsonrpc":"2.0","method":"notifications/message","params":{"v":${deep}}}\n\n`);
      sse(res, { jsonrpc: '2.0', method: 'notifications/message', params: { v: 'flat' } });
      sse(res, { jsonrpc: '2.0', id: message!.id, result: {} });
      res.end();
    });
    const notifications: unknown[] = [];
    const client = new UpstreamClient('hostile', {
      logger: silentLogger(),
      connect: () =>
        new StreamableHttpTransport({ name: 'hostile', url, headers: {}, logger: silentLogger() }),
      defaultTimeoutMs: 2000,
      restart: false,
      onNotification: (_method, params) => notifications.push(params),
    });
    closers.push(() => client.close());
    await client.start();
    expect(await client.request('tools/call', { via: 'sse' })).toEqual({});
    expect(notifications).toEqual([{ v: 'flat' }]);
    await expect(client.request('tools/call', { via: 'json' })).rejects.toMatchObject({
      code: 'UPSTREAM_PROTOCOL',
      message: 'upstream sent a message nested too deeply',
    });
  });
});
