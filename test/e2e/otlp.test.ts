import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from './helpers/mcp-http-client.js';
import { startTestGateway } from './helpers/gateway.js';

let collector: Server;
const received: Array<{ path: string; type: string; body: string }> = [];

beforeAll(async () => {
  collector = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', type: String(req.headers['content-type']), body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

describe('OTLP export', () => {
  it('exports a span per call, with the correlation id, to the configured collector on stop', async () => {
    const port = (collector.address() as AddressInfo).port;
    const warden = await startTestGateway({
      builtins: { echo: {} },
      telemetry: { otlpEndpoint: `http://127.0.0.1:${port}` },
    });
    const client = new TestClient({ url: warden.url, headers: { 'x-request-id': 'otlp-correlation-77' } });
    await client.initialize();
    await client.call('echo', { text: 'x' });
    await warden.stop();
    const traces = received.filter((r) => r.path === '/v1/traces');
    expect(traces.length).toBeGreaterThan(0);
    const body = traces.map((t) => t.body).join('\n');
    expect(body).toContain('otlp-correlation-77');
    expect(body).toContain('warden.correlation_id');
    expect(body).toContain('"service.name"');
  });
});
