import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient, textOf } from './helpers/mcp-http-client.js';
import { startTestGateway } from './helpers/gateway.js';

const HOSTILE_SERVER = fileURLToPath(new URL('../fixtures/upstream-hostile-server.mjs', import.meta.url));

const stops: Array<() => Promise<void>> = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** Fails the test after `ms` instead of letting a hung promise run into the test timeout. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms),
    ),
  ]);
}

describe('a hostile upstream cannot take the gateway down', () => {
  it('drops a progress notification nested 100,000 deep from a stdio upstream and answers the call', async () => {
    const warden = await startTestGateway({
      upstreams: { hostile: { command: process.execPath, args: [HOSTILE_SERVER], timeoutMs: 2000 } },
      builtins: { echo: {} },
    });
    stops.push(() => warden.stop());
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    const result = await client.call('hostile__deep_progress', {}, { progressToken: 'p1' });
    expect(result).toEqual({ content: [{ type: 'text', text: 'answered' }] });
    expect(textOf(await client.call('echo', { text: 'still here' }))).toBe('still here');
  });

  it('starts listening when an HTTP upstream never acknowledges notifications/initialized', async () => {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const message = body ? JSON.parse(body) : {};
        if (message.method !== 'initialize') return; // nothing else is ever answered
        res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'hostile' });
        const result = { protocolVersion: message.params.protocolVersion, capabilities: {}, serverInfo: {} };
        res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
    const warden = await within(
      startTestGateway({ upstreams: { hostile: { url, timeoutMs: 300 } }, builtins: { echo: {} } }),
      3000,
    );
    stops.push(() => within(warden.stop(), 3000));
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    expect(textOf(await client.call('echo', { text: 'served' }))).toBe('served');
  });
});
