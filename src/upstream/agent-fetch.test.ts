import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_ALLOW_LIST } from '../net/index.js';
import { agentFetch } from './agent-fetch.js';
import { createUpstreamAgent, type UpstreamAgent } from './upstream-agent.js';

const servers: Server[] = [];
const agents: UpstreamAgent[] = [];
afterEach(() => {
  for (const { agent } of agents.splice(0)) agent.destroy();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** A loopback server answering with `handle`; resolves with its base URL and the requests it read. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{
  url: string;
  seen: { method: string; path: string; headers: IncomingMessage['headers']; body: string }[];
}> {
  const seen: { method: string; path: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      handle(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function fetchFor(url: string): ReturnType<typeof agentFetch> {
  const upstream = createUpstreamAgent(new URL(url), { name: 'legacy', allow: EMPTY_ALLOW_LIST });
  agents.push(upstream);
  return agentFetch(upstream);
}

describe('agentFetch', () => {
  it('sends the method, headers and string body, and returns status, headers and body as a Response', async () => {
    const { url, seen } = await serve((_req, res) => {
      res.writeHead(201, { 'content-type': 'text/plain', 'x-twice': ['a', 'b'] }).end('made');
    });
    const response = await fetchFor(url)(`${url}/messages?session=1`, {
      method: 'POST',
      headers: new Headers({ 'Content-Type': 'application/json', 'X-Key': 'k' }),
      body: '{"a":1}',
    });
    expect([response.status, response.headers.get('x-twice'), await response.text()]).toEqual([
      201,
      'a, b',
      'made',
    ]);
    expect(seen).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/messages?session=1',
        body: '{"a":1}',
        headers: expect.objectContaining({ 'content-type': 'application/json', 'x-key': 'k' }),
      }),
    ]);
  });

  it('returns a redirect as it is, without following it', async () => {
    const { url, seen } = await serve((_req, res) => res.writeHead(302, { location: '/elsewhere' }).end());
    const response = await fetchFor(url)(`${url}/sse`);
    expect([response.status, response.headers.get('location')]).toEqual([302, '/elsewhere']);
    expect(seen.map((s) => s.path)).toEqual(['/sse']);
  });

  it('gives a 204 a null body, and refuses bodies other than strings before sending anything', async () => {
    const { url, seen } = await serve((_req, res) => res.writeHead(204).end());
    const fetch = fetchFor(url);
    expect((await fetch(url, { method: 'POST', body: '' })).body).toBeNull();
    await expect(fetch(url, { method: 'POST', body: new Uint8Array([1]) })).rejects.toThrow(
      'only string bodies are sent to an upstream',
    );
    expect(seen).toHaveLength(1);
  });

  it('ends an open event stream when its signal aborts', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: endpoint\ndata: /messages\n\n');
    });
    const controller = new AbortController();
    const response = await fetchFor(url)(`${url}/sse`, { signal: controller.signal });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(
      'event: endpoint\ndata: /messages\n\n',
    );
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
  });
});
