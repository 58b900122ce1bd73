import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWarden, type RunningWarden } from '../../src/app/start.js';
import { configFromObject } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';

let dir: string;
let warden: RunningWarden;
let port: number;

/** A CA, a server certificate for 127.0.0.1, a client certificate it signed, and one from another CA. */
function makeCertificates(): void {
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const ca of ['ca', 'rogue-ca']) {
    ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.pem`,
      '-days',
      '1',
      '-subj',
      `/CN=${ca}`,
    );
  }
  const issue = (name: string, cn: string, ca: string, ext?: string): void => {
    ssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${cn}`,
    );
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      ...(ext ? ['-extfile', ext] : []),
    );
  };
  issue('server', '127.0.0.1', 'ca', 'server.ext');
  issue('alice', 'alice', 'ca');
  issue('mallory', 'alice', 'rogue-ca');
}

function call(
  cert: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/mcp',
        method: 'POST',
        ca: readFileSync(join(dir, 'ca.pem')),
        ...(cert
          ? { cert: readFileSync(join(dir, `${cert}.pem`)), key: readFileSync(join(dir, `${cert}.key`)) }
          : {}),
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-tls-'));
  makeCertificates();
  const config = configFromObject(
    {
      listen: {
        http: '127.0.0.1:0',
        tls: { cert: join(dir, 'server.pem'), key: join(dir, 'server.key'), clientCa: join(dir, 'ca.pem') },
      },
      auth: { mode: 'api-key' },
      policy: { rules: [{ principals: ['alice'], tools: ['echo'], effect: 'allow' }] },
      builtins: { echo: {} },
      store: { sqlite: join(dir, 'w.db') },
    },
    { baseDir: dir },
  );
  warden = await startWarden(config, { logger: silentLogger() });
  port = warden.address!.port;
});
afterAll(async () => warden?.stop());

const initialize = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};

describe('TLS listener with client certificates', () => {
  it('authenticates a client certificate signed by the configured CA as its CN, and policy applies to it', async () => {
    const init = await call('alice', initialize, { host: `127.0.0.1:${port}` });
    expect(init.status).toBe(200);
    const session = String(init.headers['mcp-session-id']);
    const echo = await call(
      'alice',
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'echo', arguments: { text: 'over mTLS' } },
      },
      { host: `127.0.0.1:${port}`, 'mcp-session-id': session },
    );
    expect(JSON.parse(echo.body)).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: { content: [{ type: 'text', text: 'over mTLS' }] },
    });
  });

  it('refuses the TLS handshake without a client certificate, or with one from another CA (even with the same CN)', async () => {
    await expect(call(undefined, initialize, { host: `127.0.0.1:${port}` })).rejects.toThrow();
    await expect(call('mallory', initialize, { host: `127.0.0.1:${port}` })).rejects.toThrow();
  });
});
