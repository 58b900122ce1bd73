import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, textOf } from './helpers/mcp-http-client.js';
import { startTestGateway } from './helpers/gateway.js';

let warden: Awaited<ReturnType<typeof startTestGateway>>;
let client: TestClient;

beforeAll(async () => {
  warden = await startTestGateway({
    builtins: { echo: {} },
    listen: { http: '127.0.0.1:0', maxBodyBytes: 64 * 1024 },
  });
  client = new TestClient({ url: warden.url });
  await client.initialize();
});
afterAll(async () => warden.stop());

/** A raw request, so that headers fetch would normalise (Host) can be forged. */
function raw(
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const url = new URL(warden.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method, headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('malformed traffic on /mcp', () => {
  it('answers invalid JSON with 400 and a parse error', async () => {
    const r = await client.post('{"jsonrpc": "2.0", "id": 1, "method": ');
    expect(r.status).toBe(400);
    expect(r.messages[0]).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error: invalid JSON' },
    });
  });

  it('answers wrong JSON-RPC shapes with 400 invalid request', async () => {
    const r = await client.post({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: [1] });
    expect(r.status).toBe(400);
    expect(r.messages[0]).toEqual({
      jsonrpc: '2.0',
      id: 5,
      error: { code: -32600, message: 'Invalid Request: params must be an object' },
    });
  });

  it('refuses batches', async () => {
    const r = await client.post([{ jsonrpc: '2.0', id: 1, method: 'ping' }]);
    expect(r.status).toBe(400);
    expect(r.messages[0]?.error?.code).toBe(-32600);
  });

  it('answers unknown methods with method-not-found', async () => {
    const r = await client.request('no/such/method', {}, 77);
    expect(r.status).toBe(200);
    expect(r.response).toEqual({
      jsonrpc: '2.0',
      id: 77,
      error: { code: -32601, message: 'METHOD_NOT_FOUND: Method not found: no/such/method' },
    });
  });

  it('refuses oversized bodies with 413 before reading them', async () => {
    const r = await client.post({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: 'x'.repeat(100_000) } },
    });
    expect(r.status).toBe(413);
    expect(r.messages[0]?.error?.message).toBe('BODY_TOO_LARGE: request body too large');
  });

  it('refuses deep nesting', async () => {
    const r = await client.post(
      `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}}`,
    );
    expect(r.status).toBe(400);
    expect(r.messages[0]?.error).toEqual({ code: -32600, message: 'message nested too deeply' });
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-session-id': client.sessionId!,
    };
    expect((await raw('POST', { ...headers, host: 'evil.example.com' }, body)).status).toBe(403);
    expect(
      (
        await raw(
          'POST',
          { ...headers, host: `127.0.0.1:${new URL(warden.url).port}`, origin: 'http://evil.example.com' },
          body,
        )
      ).status,
    ).toBe(403);
    expect(
      (await raw('POST', { ...headers, host: `127.0.0.1:${new URL(warden.url).port}` }, body)).status,
    ).toBe(200);
  });

  it('requires JSON content, a session, and a supported protocol version', async () => {
    const port = new URL(warden.url).port;
    const host = `127.0.0.1:${port}`;
    const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    expect(
      (await raw('POST', { host, 'content-type': 'text/plain', 'mcp-session-id': client.sessionId! }, ping))
        .status,
    ).toBe(415);
    expect((await raw('POST', { host, 'content-type': 'application/json' }, ping)).status).toBe(400);
    expect(
      (
        await raw(
          'POST',
          { host, 'content-type': 'application/json', 'mcp-session-id': 'f'.repeat(32) },
          ping,
        )
      ).status,
    ).toBe(404);
    const bad = await raw(
      'POST',
      {
        host,
        'content-type': 'application/json',
        'mcp-session-id': client.sessionId!,
        'mcp-protocol-version': '1999-01-01',
      },
      ping,
    );
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toBe(
      'UNSUPPORTED_PROTOCOL_VERSION: unsupported MCP protocol version',
    );
    expect((await raw('PUT', { host }, ping)).status).toBe(405);
  });

  it('refuses a duplicate in-flight request id within a session', async () => {
    const slow = new TestClient({ url: warden.url });
    await slow.initialize();
    // The same id twice at once: exactly one of the two is refused, and it is never answered with the other's result.
    const [a, b] = await Promise.all([
      slow.request('tools/call', { name: 'echo', arguments: { text: 'first' } }, 'dup'),
      slow.request('tools/call', { name: 'echo', arguments: { text: 'second' } }, 'dup'),
    ]);
    for (const [r, own] of [
      [a, 'first'],
      [b, 'second'],
    ] as const) {
      if (r.response?.error) expect(r.response.error.code).toBe(-32600);
      else expect(textOf(r.response!.result)).toBe(own);
    }
  });

  it('keeps serving after a flood of garbage', async () => {
    const port = new URL(warden.url).port;
    const garbage = Array.from({ length: 300 }, (_, i) =>
      raw(
        'POST',
        {
          host: `127.0.0.1:${port}`,
          'content-type': 'application/json',
          'mcp-session-id': client.sessionId!,
        },
        i % 3 === 0 ? '\u0000\u0001' : i % 3 === 1 ? '{}' : '{"jsonrpc":"2.0","method":42}',
      ),
    );
    const statuses = new Set((await Promise.all(garbage)).map((r) => r.status));
    expect([...statuses].every((s) => s === 400)).toBe(true);
    expect(textOf(await client.call('echo', { text: 'still here' }))).toBe('still here');
  });

  it('serves health and readiness', async () => {
    const base = warden.url.replace('/mcp', '');
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('ends a session on DELETE', async () => {
    const c = new TestClient({ url: warden.url });
    await c.initialize();
    const res = await fetch(warden.url, { method: 'DELETE', headers: c.headers() });
    expect(res.status).toBe(200);
    expect((await c.request('ping')).status).toBe(404);
  });
});
