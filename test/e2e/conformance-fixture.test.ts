import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURE_SERVER,
  LOOPBACK_PRELOAD,
  spawnChild,
  startFixtureHttp,
  type HttpMcpServer,
  type TestChild,
} from './helpers/index.js';

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'hostile', version: '0' } },
};

interface RawResponse {
  readonly status: number;
  readonly body: string;
}

/** node:http rather than fetch, because fetch may not set the Host header. */
function rawRequest(
  url: string,
  options: { method: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end(options.body);
  });
}

const POST_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('conformance fixture over HTTP: hostile requests', () => {
  let fixture: HttpMcpServer;
  let host: string;
  beforeAll(async () => {
    fixture = await startFixtureHttp();
    host = new URL(fixture.url).host;
  });
  afterAll(async () => {
    await fixture?.stop();
  });

  it('rejects a foreign Host header with 403 before any session exists', async () => {
    const response = await rawRequest(fixture.url, {
      method: 'POST',
      headers: { ...POST_HEADERS, host: 'evil.example.com' },
      body: JSON.stringify(INITIALIZE),
    });
    expect(response).toEqual({
      status: 403,
      body: JSON.stringify({
        jsonrpc: '2.0',
        error: { code: -32000, message: 'Forbidden: invalid Host or Origin' },
        id: null,
      }),
    });
  });

  it('rejects a foreign Origin with the right Host', async () => {
    const response = await rawRequest(fixture.url, {
      method: 'POST',
      headers: { ...POST_HEADERS, host, origin: 'http://evil.example.com' },
      body: JSON.stringify(INITIALIZE),
    });
    expect(response.status).toBe(403);
  });

  it('rejects the right host name on another port (DNS rebinding to a different listener)', async () => {
    const response = await rawRequest(fixture.url, {
      method: 'POST',
      headers: { ...POST_HEADERS, host: '127.0.0.1:1' },
      body: JSON.stringify(INITIALIZE),
    });
    expect(response.status).toBe(403);
  });

  it('answers 404 for an unknown path and an unknown session', async () => {
    const otherPath = await rawRequest(fixture.url.replace('/mcp', '/other'), { method: 'GET' });
    expect(otherPath.status).toBe(404);
    const unknownSession = await rawRequest(fixture.url, {
      method: 'POST',
      headers: { ...POST_HEADERS, 'mcp-session-id': 'no-such-session' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }),
    });
    expect(unknownSession).toEqual({
      status: 404,
      body: JSON.stringify({
        jsonrpc: '2.0',
        error: { code: -32000, message: 'Session not found' },
        id: null,
      }),
    });
  });

  it('answers 400 to a GET without a session and to malformed JSON, and keeps serving', async () => {
    const get = await rawRequest(fixture.url, { method: 'GET', headers: { accept: 'text/event-stream' } });
    expect(get.status).toBe(400);
    const malformed = await rawRequest(fixture.url, {
      method: 'POST',
      headers: POST_HEADERS,
      body: '{"jsonrpc":',
    });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });
    const ok = await rawRequest(fixture.url, {
      method: 'POST',
      headers: POST_HEADERS,
      body: JSON.stringify(INITIALIZE),
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('"serverInfo":{"name":"warden-conformance-fixture","version":"1.0.0"}');
  });
});

describe('conformance fixture over stdio', () => {
  let child: TestChild;
  const replies = new Map<number, unknown>();
  beforeAll(() => {
    child = spawnChild(process.execPath, [FIXTURE_SERVER, '--stdio']);
    let buffer = '';
    child.process.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const message: unknown = JSON.parse(buffer.slice(0, newline));
        if (
          typeof message === 'object' &&
          message !== null &&
          'id' in message &&
          typeof message.id === 'number'
        ) {
          replies.set(message.id, message);
        }
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
      }
    });
  });
  afterAll(async () => {
    await child?.stop();
  });

  async function call(id: number, method: string, params: unknown): Promise<unknown> {
    child.process.stdin?.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    for (let attempt = 0; attempt < 200 && !replies.has(id); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return replies.get(id);
  }

  it('initializes and lists the scenario table’s tools', async () => {
    expect(await call(1, 'initialize', INITIALIZE.params)).toMatchObject({
      id: 1,
      result: {
        protocolVersion: '2025-06-18',
        capabilities: {
          tools: {},
          resources: { subscribe: true },
          prompts: {},
          completions: {},
          logging: {},
        },
      },
    });
    child.process.stdin?.write(
      `${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`,
    );
    const list = await call(2, 'tools/list', {});
    expect(list).toMatchObject({ id: 2 });
    const names = JSON.stringify(list).match(/"name":"(test_\w+|json_schema_2020_12_tool)"/g);
    expect(names).toHaveLength(14);
  });

  it('returns protocol errors for an unknown tool, an unknown resource and a missing prompt argument', async () => {
    expect(await call(3, 'tools/call', { name: 'no_such_tool', arguments: {} })).toEqual({
      jsonrpc: '2.0',
      id: 3,
      error: { code: -32602, message: 'MCP error -32602: Unknown tool: no_such_tool' },
    });
    expect(await call(4, 'resources/read', { uri: 'file:///etc/passwd' })).toEqual({
      jsonrpc: '2.0',
      id: 4,
      error: {
        code: -32002,
        message: 'MCP error -32002: Resource not found',
        data: { uri: 'file:///etc/passwd' },
      },
    });
    expect(
      await call(5, 'prompts/get', { name: 'test_prompt_with_arguments', arguments: { arg1: 'a' } }),
    ).toEqual({
      jsonrpc: '2.0',
      id: 5,
      error: { code: -32602, message: 'MCP error -32602: Missing required argument: arg2' },
    });
  });

  it('substitutes template parameters without interpreting them', async () => {
    expect(await call(6, 'resources/read', { uri: 'test://template/..%2F..%2Fx/data' })).toEqual({
      jsonrpc: '2.0',
      id: 6,
      result: {
        contents: [
          {
            uri: 'test://template/..%2F..%2Fx/data',
            mimeType: 'application/json',
            text: JSON.stringify({ id: '../../x', templateTest: true, data: 'Data for ID: ../../x' }),
          },
        ],
      },
    });
  });
});

describe('loopback preload', () => {
  const require = createRequire(import.meta.url);
  const preload: unknown = require(LOOPBACK_PRELOAD);
  const loopbackArgs = (args: unknown[]): unknown[] => {
    if (typeof preload !== 'object' || preload === null || !('loopbackArgs' in preload))
      throw new Error('no export');
    const fn = preload.loopbackArgs;
    if (typeof fn !== 'function') throw new Error('not a function');
    const result: unknown = fn(args);
    if (!Array.isArray(result)) throw new Error('not an array');
    return result;
  };
  const callback = (): void => undefined;

  it('adds 127.0.0.1 to host-less and wildcard listen calls', () => {
    expect(loopbackArgs([])).toEqual([0, '127.0.0.1']);
    expect(loopbackArgs([callback])).toEqual([0, '127.0.0.1', callback]);
    expect(loopbackArgs([3001])).toEqual([3001, '127.0.0.1']);
    expect(loopbackArgs(['3001', callback])).toEqual(['3001', '127.0.0.1', callback]);
    expect(loopbackArgs([0, '0.0.0.0', callback])).toEqual([0, '127.0.0.1', callback]);
    expect(loopbackArgs([0, '::', 511])).toEqual([0, '127.0.0.1', 511]);
    expect(loopbackArgs([{ port: 0 }])).toEqual([{ port: 0, host: '127.0.0.1' }]);
    expect(loopbackArgs([{ port: 0, host: '0.0.0.0' }, callback])).toEqual([
      { port: 0, host: '127.0.0.1' },
      callback,
    ]);
  });

  it('leaves explicit hosts, unix sockets and handles alone', () => {
    expect(loopbackArgs([0, '::1'])).toEqual([0, '::1']);
    expect(loopbackArgs(['/tmp/x.sock'])).toEqual(['/tmp/x.sock']);
    expect(loopbackArgs([{ path: '/tmp/x.sock' }])).toEqual([{ path: '/tmp/x.sock' }]);
    expect(loopbackArgs([{ fd: 3 }])).toEqual([{ fd: 3 }]);
  });

  it('binds host-less and wildcard listens to 127.0.0.1 in a real process, synchronously as Node does', async () => {
    const script = [
      "const http = require('node:http');",
      'const a = http.createServer(); a.listen(0);',
      // Read synchronously, as the suite's mock servers do.
      'const sync = a.address().address; a.close();',
      "const b = http.createServer(); b.listen(0, '0.0.0.0', () => {",
      "  const c = http.createServer(); c.listen({ port: 0, host: '::' }, () => {",
      "    const d = http.createServer(); d.listen(0, '::1', () => {",
      "      process.stdout.write([sync, b.address().address, c.address().address, d.address().address].join(' '));",
      '      b.close(); c.close(); d.close();',
      '    });',
      '  });',
      '});',
    ].join('\n');
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--require',
      LOOPBACK_PRELOAD,
      '-e',
      script,
    ]);
    expect(stdout).toBe('127.0.0.1 127.0.0.1 127.0.0.1 ::1');
  });
});
