// Denials before and at routing are audited and counted: a missing API key, and a rate limit.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway } from './helpers/gateway.js';
import { TestClient, textOf } from './helpers/mcp-http-client.js';
import { runCli } from './helpers/cli.js';

type Gateway = Awaited<ReturnType<typeof startTestGateway>>;
interface Row {
  method: string;
  name: string | null;
  principal: string;
  decision: string;
  status: string;
  error_code: string | null;
  correlation_id: string;
}

function auditRows(gw: Gateway): Row[] {
  const db = new Database(join(gw.dir, 'warden.db'), { readonly: true });
  try {
    return db.prepare('SELECT * FROM audit_records ORDER BY seq').all() as Row[];
  } finally {
    db.close();
  }
}

describe('authentication denial', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startTestGateway({ auth: { mode: 'api-key' }, builtins: { echo: {} } });
  });
  afterAll(async () => gw?.stop());

  it('answers 401 without a key and audits the refusal', async () => {
    const r = await fetch(gw.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'x-request-id': 'corr-noauth',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'echo', arguments: {} },
      }),
    });
    expect(r.status).toBe(401);
    const body = await r.text();
    expect(body).not.toMatch(/\n\s+at /);
    expect(auditRows(gw)).toEqual([
      expect.objectContaining({
        method: 'auth',
        principal: 'unknown',
        decision: 'deny',
        status: 'denied',
        correlation_id: 'corr-noauth',
        error_code: expect.stringMatching(/^AUTH_/),
      }),
    ]);
  });
});

describe('rate-limit denial', () => {
  let gw: Gateway;
  let client: TestClient;
  beforeAll(async () => {
    gw = await startTestGateway({ builtins: { echo: {} }, limits: { tool: { max: 2, windowMs: 60_000 } } });
    client = new TestClient({ url: gw.url });
    await client.initialize();
  });
  afterAll(async () => gw?.stop());

  it('refuses the third call, audits it as denied and counts it in /metrics', async () => {
    expect(textOf(await client.call('echo', { text: '1' }))).toBe('1');
    expect(textOf(await client.call('echo', { text: '2' }))).toBe('2');
    const third = await client.request('tools/call', { name: 'echo', arguments: { text: '3' } });
    const refusal = JSON.stringify(third.response);
    expect(refusal).toContain('RATE_LIMITED');
    expect(refusal).not.toContain('"3"');

    const echoRows = auditRows(gw).filter((r) => r.name === 'echo');
    expect(echoRows.map((r) => [r.decision, r.status])).toEqual([
      ['allow', 'ok'],
      ['allow', 'ok'],
      ['deny', 'denied'],
    ]);
    expect(echoRows[2]!.error_code).toBe('RATE_LIMITED');

    const metrics = await (await fetch(gw.url.replace(/\/mcp$/, '/metrics'))).text();
    expect(metrics).toMatch(/^warden_rate_limited_total\{[^}]*\} 1$/m);
    expect(metrics).toMatch(/^warden_calls_total\{[^}]*tool="echo"[^}]*decision="deny"[^}]*\} 1$/m);
  });
});

describe('a tool name carrying a lone surrogate', () => {
  let gw: Gateway;
  let client: TestClient;
  beforeAll(async () => {
    gw = await startTestGateway({ builtins: { echo: {} } });
    client = new TestClient({ url: gw.url });
    await client.initialize();
  });
  afterAll(async () => gw?.stop());

  it('is refused and audited without breaking the chain that verify checks', async () => {
    // JSON.stringify writes the lone surrogate as the escape \ud800, which the gateway parses back into one.
    const refused = await client.request('tools/call', { name: 'x\uD800y', arguments: {} });
    expect(refused.response).toMatchObject({
      error: { code: -32602, message: expect.stringMatching(/^Unknown tool/) },
    });
    expect(textOf(await client.call('echo', { text: 'after' }))).toBe('after');
    expect(auditRows(gw).map((r) => r.name)).toEqual(['x\uFFFDy', 'echo']);
    const config = join(gw.dir, 'warden.yaml');
    writeFileSync(config, 'store:\n  sqlite: warden.db\n');
    const r = await runCli(['audit', 'verify', '--config', config]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^ok: 2 records/);
  });
});
