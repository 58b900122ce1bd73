// Hostile HTTP framing against the running gateway: headers that Node folds or drops before the handler sees
// them (a second Host, a second Authorization), content types that only start like JSON, request targets in
// absolute form. Each is sent byte for byte over a raw socket so that no client library normalises it.
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWarden, type RunningWarden } from '../../src/app/start.js';
import { configFromObject } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import type { KeyStore } from '../../src/store/keys.js';
import { openSqliteKeyStore } from '../../src/store/sqlite/keys.js';

let keys: KeyStore;
let warden: RunningWarden;
let port: number;
let host: string;
let alice: string;
let bob: string;

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
});

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-hostile-http-'));
  keys = openSqliteKeyStore(join(dir, 'warden.db'));
  alice = (await keys.create({ principal: 'alice' })).key;
  bob = (await keys.create({ principal: 'bob' })).key;
  const config = configFromObject(
    {
      listen: { http: '127.0.0.1:0' },
      auth: { mode: 'api-key' },
      policy: { default: 'allow' },
      store: { sqlite: join(dir, 'warden.db') },
    },
    { baseDir: dir },
  );
  warden = await startWarden(config, { logger: silentLogger() });
  port = warden.address!.port;
  host = `127.0.0.1:${port}`;
});

afterAll(async () => {
  await warden?.stop();
  await keys?.close();
});

interface RawAnswer {
  status: number;
  head: string;
  body: string;
}

/** Sends one request exactly as written (header lines are joined with CRLF) and reads the whole answer. */
function send(requestLine: string, headerLines: string[], body = ''): Promise<RawAnswer> {
  const lines = [
    requestLine,
    ...headerLines,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  const bytes = `${lines.join('\r\n')}\r\n\r\n${body}`;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (text += c));
    socket.on('error', reject);
    socket.on('close', () => {
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
        head,
        body: text.slice(split + 4),
      });
    });
  });
}

function jsonPost(headers: string[], body = INIT): Promise<RawAnswer> {
  return send('POST /mcp HTTP/1.1', ['Content-Type: application/json', ...headers], body);
}

describe('Host header framing (DNS rebinding)', () => {
  it('refuses a second Host header naming a foreign name, whichever comes first', async () => {
    for (const pair of [
      [`Host: ${host}`, 'Host: evil.example'],
      ['Host: evil.example', `Host: ${host}`],
      [`Host: ${host}`, `Host: ${host}`],
    ]) {
      const r = await jsonPost([...pair, `Authorization: Bearer ${alice}`]);
      expect(r.status, pair.join(' / ')).toBe(403);
      expect(JSON.parse(r.body)).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32001, message: 'BAD_HOST: Host header not allowed' },
      });
      expect(r.head.toLowerCase()).not.toContain('mcp-session-id');
    }
  });

  it('refuses Host spellings that are not the listener’s own names', async () => {
    for (const value of [
      `127.0.0.1.:${port}`,
      `localhost.:${port}`,
      `[::ffff:127.0.0.1]:${port}`,
      `[0:0:0:0:0:0:0:1]:${port}`,
      `2130706433:${port}`,
      `127.1:${port}`,
      '127.0.0.1',
      `127.0.0.1:${port}@evil.example`,
      `evil.example:${port}`,
      '',
    ]) {
      const r = await jsonPost([`Host: ${value}`, `Authorization: Bearer ${alice}`]);
      expect(r.status, value).toBe(403);
    }
  });

  it('accepts the listener’s loopback names in any letter case', async () => {
    for (const value of [`LOCALHOST:${port}`, `[::1]:${port}`, host]) {
      const r = await jsonPost([`Host: ${value}`, `Authorization: Bearer ${alice}`]);
      expect(r.status, value).toBe(200);
    }
  });

  it('refuses a request without Host, and answers absolute-form targets with 404, never the endpoint', async () => {
    expect((await send('POST /mcp HTTP/1.0', ['Content-Type: application/json'], INIT)).status).toBe(403);
    for (const target of ['http://evil.example/mcp', `http://${host}/mcp`, '//evil.example/mcp']) {
      const r = await send(
        `POST ${target} HTTP/1.1`,
        [`Host: ${host}`, 'Content-Type: application/json', `Authorization: Bearer ${alice}`],
        INIT,
      );
      expect(r.status, target).toBe(404);
      expect(r.head.toLowerCase()).not.toContain('mcp-session-id');
    }
  });
});

describe('Authorization header framing', () => {
  it('refuses two Authorization headers, even when the first is valid', async () => {
    for (const pair of [
      [`Authorization: Bearer ${alice}`, `Authorization: Bearer ${bob}`],
      [`Authorization: Bearer ${alice}`, 'Authorization: Bearer wdn_forged'],
      [`Authorization: Bearer ${alice}`, `Authorization: Bearer ${alice}`],
    ]) {
      const r = await jsonPost([`Host: ${host}`, ...pair]);
      expect(r.status).toBe(401);
      expect(JSON.parse(r.body).error.message).toBe('AUTH_INVALID: malformed Authorization header');
      expect(r.head.toLowerCase()).not.toContain('mcp-session-id');
      expect(r.body).not.toContain(alice);
    }
  });

  it('refuses two X-API-Key headers and Bearer with a tab or a second token', async () => {
    for (const lines of [
      [`X-API-Key: ${alice}`, `X-API-Key: ${alice}`],
      [`Authorization: Bearer\t${alice}`],
      [`Authorization: Bearer ${alice} ${bob}`],
      [`Authorization: Basic ${Buffer.from(`x:${alice}`).toString('base64')}`],
    ]) {
      const r = await jsonPost([`Host: ${host}`, ...lines]);
      expect(r.status, lines.join(' / ') + r.head + r.body).toBe(401);
    }
  });
});

describe('content types', () => {
  it('refuses media types that only begin like application/json', async () => {
    for (const type of [
      'application/json-patch+json',
      'application/jsonl',
      'application/json-seq',
      'application/jsonfoo; charset=utf-8',
    ]) {
      const r = await send(
        'POST /mcp HTTP/1.1',
        [`Host: ${host}`, `Content-Type: ${type}`, `Authorization: Bearer ${alice}`],
        INIT,
      );
      expect(r.status, type).toBe(415);
    }
  });

  it('accepts application/json with parameters and in any letter case', async () => {
    for (const type of [
      'application/json; charset=utf-8',
      'Application/JSON',
      'application/json ;charset=UTF-8',
    ]) {
      const r = await send(
        'POST /mcp HTTP/1.1',
        [`Host: ${host}`, `Content-Type: ${type}`, `Authorization: Bearer ${alice}`],
        INIT,
      );
      expect(r.status, type).toBe(200);
    }
  });
});

describe('body framing', () => {
  it('answers a body that starts with a byte-order mark as invalid JSON, without opening a session', async () => {
    const r = await jsonPost([`Host: ${host}`, `Authorization: Bearer ${alice}`], `\uFEFF${INIT}`);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error.code).toBe(-32700);
    expect(r.head.toLowerCase()).not.toContain('mcp-session-id');
  });

  it('refuses a second Origin line naming a foreign origin', async () => {
    const r = await jsonPost([
      `Host: ${host}`,
      `Origin: http://${host}`,
      'Origin: http://evil.example',
      `Authorization: Bearer ${alice}`,
    ]);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error.message).toBe('BAD_ORIGIN: Origin header not allowed');
  });
});
