/**
 * HTTP upstreams named by host: every new connection is resolved through the injected resolver (standing in for a
 * DNS the attacker controls), checked against `upstreams.<name>.allow`, and made to the checked address. Every
 * server here listens on loopback; a server that must never be reached counts its connections.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../config/index.js';
import { isWardenError } from '../errors/index.js';
import { silentLogger } from '../log/index.js';
import type { Resolver } from '../net/index.js';
import type { UpstreamClient } from './client.js';
import { createUpstreamClient } from './create.js';

interface Message {
  jsonrpc: '2.0';
  id?: number;
  method?: string;
  params?: { protocolVersion?: string };
}

/** A loopback server and what it saw. */
interface Upstream {
  server: Server;
  port: number;
  connections: number;
  hosts: string[];
}

const servers: Server[] = [];
const clients: UpstreamClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** The answer an MCP server gives `message`; undefined for notifications and responses. */
function answer(message: Message): Record<string, unknown> | undefined {
  if (message.id === undefined || message.method === undefined) return undefined;
  const result =
    message.method === 'initialize'
      ? { protocolVersion: message.params?.protocolVersion, capabilities: {}, serverInfo: { name: 'named' } }
      : { tools: [{ name: 'echo', inputSchema: { type: 'object' } }] };
  return { jsonrpc: '2.0', id: message.id, result };
}

function readBody(req: IncomingMessage): Promise<Message | undefined> {
  return new Promise((resolve) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body === '' ? undefined : (JSON.parse(body) as Message)));
  });
}

async function listen(
  host: string,
  port: number,
  handle: (req: IncomingMessage, res: ServerResponse, message: Message | undefined) => void,
): Promise<Upstream> {
  const server = createServer((req, res) => {
    upstream.hosts.push(req.headers.host ?? '');
    void readBody(req).then((message) => handle(req, res, message));
  });
  const upstream: Upstream = { server, port, connections: 0, hosts: [] };
  server.on('connection', () => upstream.connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  upstream.port = (server.address() as AddressInfo).port;
  return upstream;
}

/** A Streamable HTTP MCP server on `host`; `close: true` ends every connection after one answer. */
function streamable(host = '127.0.0.1', port = 0, options: { close?: boolean } = {}): Promise<Upstream> {
  return listen(host, port, (req, res, message) => {
    const headers: Record<string, string> = options.close ? { connection: 'close' } : {};
    const reply = message === undefined ? undefined : answer(message);
    if (req.method !== 'POST') res.writeHead(req.method === 'GET' ? 405 : 200, headers).end();
    else if (reply === undefined) res.writeHead(202, headers).end();
    else res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(reply));
  });
}

/** A legacy HTTP+SSE MCP server on 127.0.0.1: GET /sse is the event stream, POST /messages carries requests. */
function legacySse(): Promise<Upstream> {
  let stream: ServerResponse | undefined;
  return listen('127.0.0.1', 0, (req, res, message) => {
    if (req.method === 'GET' && req.url === '/sse') {
      stream = res;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: endpoint\ndata: /messages?session=1\n\n');
      return;
    }
    res.writeHead(202).end();
    const reply = message === undefined ? undefined : answer(message);
    if (reply !== undefined) stream?.write(`event: message\ndata: ${JSON.stringify(reply)}\n\n`);
  });
}

/** A resolver that answers `svc.test` with `answers()` (read at each lookup) and records each lookup. */
function scripted(answers: () => string): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve: Resolver = (host) => {
    asked.push(host);
    if (host !== 'svc.test') return Promise.reject(new Error(`ENOTFOUND ${host}`));
    return Promise.resolve([{ address: answers(), family: 4 }]);
  };
  return Object.assign(resolve, { asked });
}

function client(upstream: Record<string, unknown>, resolve: Resolver): UpstreamClient {
  const config = configSchema.parse({ upstreams: { tickets: upstream } }).upstreams.tickets!;
  const created = createUpstreamClient('tickets', config, {
    logger: silentLogger(),
    restart: false,
    resolve,
  });
  clients.push(created);
  return created;
}

async function failureOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isWardenError(error)) return { code: error.code, message: error.message };
    return { code: 'NON_WARDEN', message: String(error) };
  }
  return { code: 'NO_ERROR', message: '' };
}

const REFUSED = {
  code: 'UPSTREAM_ADDRESS_DENIED',
  message:
    'upstream tickets: svc.test resolved to 127.0.0.1 (loopback), which is not allowed; add it to upstreams.tickets.allow to connect',
};

describe.each([
  ['Streamable HTTP', 'streamable-http', streamable, '/mcp'],
  ['legacy HTTP+SSE', 'sse', legacySse, '/sse'],
] as const)('an upstream over %s named by host', (_label, transport, serve, path) => {
  it('is refused when the name resolves to loopback and allow does not list it; nothing reaches the server', async () => {
    const upstream = await serve();
    const resolve = scripted(() => '127.0.0.1');
    const named = client({ url: `http://svc.test:${upstream.port}${path}`, transport }, resolve);
    expect(await failureOf(named.start())).toEqual(REFUSED);
    expect(resolve.asked).toEqual(['svc.test']);
    expect(upstream.connections).toBe(0);
  });

  it('connects to the checked address once allow lists it, with Host still the configured name', async () => {
    const upstream = await serve();
    const url = `http://svc.test:${upstream.port}${path}`;
    const named = client(
      { url, transport, allow: ['127.0.0.1'] },
      scripted(() => '127.0.0.1'),
    );
    await named.start();
    expect(await named.request('tools/list', {})).toEqual({
      tools: [{ name: 'echo', inputSchema: { type: 'object' } }],
    });
    expect(new Set(upstream.hosts)).toEqual(new Set([`svc.test:${upstream.port}`]));
  });
});

describe('an upstream named by host, over keep-alive connections', () => {
  it('looks the name up once per new connection, never per request on a pooled one', async () => {
    const upstream = await streamable();
    const resolve = scripted(() => '127.0.0.1');
    const url = `http://svc.test:${upstream.port}/mcp`;
    const named = client({ url, allow: ['127.0.0.1'] }, resolve);
    await named.start();
    // Start-up opens a few connections (the GET stream runs beside the first POSTs), each after one lookup.
    await named.request('tools/list', {});
    const connections = upstream.connections;
    expect(resolve.asked).toHaveLength(connections);
    for (let i = 0; i < 20; i++) await named.request('tools/list', {});
    expect(upstream.connections).toBe(connections);
    expect(resolve.asked).toHaveLength(connections);
  });

  it('re-checks every new connection: a name rebound to an address allow does not list is refused, and that address is never contacted', async () => {
    const upstream = await streamable('127.0.0.1', 0, { close: true });
    // Another loopback address with the same port: where a rebinding DNS would send the next connection.
    const trap = await streamable('127.0.0.2', upstream.port);
    let rebound = false;
    const resolve = scripted(() => (rebound ? '127.0.0.2' : '127.0.0.1'));
    const named = client({ url: `http://svc.test:${upstream.port}/mcp`, allow: ['127.0.0.1'] }, resolve);
    await named.start();
    expect(await named.request('tools/list', {})).toHaveProperty('tools');
    rebound = true;
    expect(await failureOf(named.request('tools/list', {}))).toEqual({
      code: 'UPSTREAM_ADDRESS_DENIED',
      message:
        'upstream tickets: svc.test resolved to 127.0.0.2 (loopback), which is not allowed; add it to upstreams.tickets.allow to connect',
    });
    expect(trap.connections).toBe(0);
  });
});

describe('an upstream URL with an address or localhost', () => {
  it.each(['127.0.0.1', 'localhost'])(
    'connects to %s as written, without DNS and without allow',
    async (host) => {
      const upstream = await streamable();
      const resolve = scripted(() => '10.0.0.5');
      const direct = client({ url: `http://${host}:${upstream.port}/mcp` }, resolve);
      await direct.start();
      expect(await direct.request('tools/list', {})).toHaveProperty('tools');
      expect(resolve.asked).toEqual([]);
    },
  );
});
