// API keys on the request path of the running gateway: every refusal is checked for its HTTP status, headers,
// JSON-RPC body and audit record, and no secret may reach the audit table, the store files or the logs.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWarden, type RunningWarden } from '../../src/app/start.js';
import { configFromObject } from '../../src/config/index.js';
import { createLogger } from '../../src/log/index.js';
import { generateApiKey, type KeyStore } from '../../src/store/keys.js';
import { openSqliteKeyStore } from '../../src/store/sqlite/keys.js';
import { miniUpstream } from './helpers/gateway.js';
import { listen, TestClient, textOf } from './helpers/mcp-http-client.js';
import { readAuditRows, type AuditRow } from './helpers/audit-rows.js';
import { postRaw, type RawReply } from './helpers/raw-post.js';

/** The body of a front-end refusal: HTTP 400s are JSON-RPC Invalid Request, the rest Warden's "refused". */
function refusal(code: string, message: string, rpcCode = -32001): unknown {
  return { jsonrpc: '2.0', id: null, error: { code: rpcCode, message: `${code}: ${message}` } };
}

let dir: string;
let keys: KeyStore;
let warden: RunningWarden;
let url: string;
let origin: string;
const logChunks: string[] = [];
const secrets: string[] = [];
let alice: string;
let bob: string;
let expired: string;
let revocable: { key: string; id: string };
let fromTenNet: string;
let fromLoopback: string;

function audit(): AuditRow[] {
  return readAuditRows(join(dir, 'warden.db'));
}

function auditFor(correlationId: string): AuditRow[] {
  return audit().filter((r) => r.correlation_id === correlationId);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-access-keys-'));
  keys = openSqliteKeyStore(join(dir, 'warden.db'));
  const issue = async (input: Parameters<KeyStore['create']>[0]): Promise<{ key: string; id: string }> => {
    const { key, record } = await keys.create(input);
    secrets.push(key);
    return { key, id: record.id };
  };
  alice = (await issue({ principal: 'alice', groups: ['dev'] })).key;
  bob = (await issue({ principal: 'bob' })).key;
  expired = (await issue({ principal: 'carol', expiresAt: Date.now() - 1000 })).key;
  revocable = await issue({ principal: 'dave' });
  fromTenNet = (await issue({ principal: 'erin', ipAllow: ['10.0.0.0/8'] })).key;
  fromLoopback = (await issue({ principal: 'frank', ipAllow: ['127.0.0.0/8', '::1/128'] })).key;
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logChunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const config = configFromObject(
    {
      listen: { http: '127.0.0.1:0' },
      auth: { mode: 'api-key' },
      policy: { rules: [{ name: 'all-echo', tools: ['m__echo'], effect: 'allow' }] },
      store: { sqlite: join(dir, 'warden.db') },
      upstreams: { m: miniUpstream('m') },
    },
    { baseDir: dir },
  );
  warden = await startWarden(config, { logger: createLogger({ level: 'debug', destination }) });
  origin = `http://127.0.0.1:${warden.address!.port}`;
  url = `${origin}/mcp`;
});

afterAll(async () => {
  await warden?.stop();
  await keys?.close();
});

describe('API keys through the running gateway', () => {
  it('a missing key is 401 AUTH_REQUIRED with a Bearer challenge (no OAuth metadata in api-key mode)', async () => {
    const r = await postRaw(url, { 'x-request-id': 'missing-key-1' });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="warden"');
    expect(r.headers.get('x-request-id')).toBe('missing-key-1');
    expect(r.headers.get('mcp-session-id')).toBeNull();
    expect(r.body).toEqual(refusal('AUTH_REQUIRED', 'authentication required'));
    expect(auditFor('missing-key-1')).toMatchObject([
      {
        principal: 'unknown',
        method: 'auth',
        decision: 'deny',
        status: 'denied',
        error_code: 'AUTH_REQUIRED',
      },
    ]);
  });

  it('GET and DELETE without a key are 401 too', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(url, {
        method,
        headers: { accept: 'text/event-stream', 'mcp-session-id': 'x' },
      });
      expect(res.status, method).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="warden"');
      expect(await res.json()).toEqual(refusal('AUTH_REQUIRED', 'authentication required'));
    }
  });

  it('malformed credentials are 401 AUTH_INVALID with error="invalid_token"', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ authorization: 'Basic YWxpY2U6cHc=' }, 'malformed Authorization header'],
      [{ authorization: 'Bearer' }, 'malformed Authorization header'],
      [{ authorization: `Bearer ${alice} extra` }, 'malformed Authorization header'],
      [{ 'x-api-key': '' }, 'malformed X-API-Key header'],
      [{ 'x-api-key': `${alice},${bob}` }, 'malformed X-API-Key header'],
      [{ authorization: `Bearer ${alice}`, 'x-api-key': bob }, 'conflicting credentials'],
      [{ authorization: 'Bearer wdn_short' }, 'invalid credentials'],
      [{ 'x-api-key': `${alice}x` }, 'invalid credentials'],
      [{ authorization: 'Bearer not-a-warden-key' }, 'invalid credentials'],
    ];
    for (const [i, [headers, message]] of cases.entries()) {
      const r = await postRaw(url, { ...headers, 'x-request-id': `malformed-${i}` });
      expect(r.status, JSON.stringify(headers)).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer error="invalid_token", realm="warden"');
      expect(r.body).toEqual(refusal('AUTH_INVALID', message));
      expect(auditFor(`malformed-${i}`)).toMatchObject([
        { method: 'auth', status: 'denied', error_code: 'AUTH_INVALID' },
      ]);
    }
  });

  it('an unknown key of the right shape is 401 AUTH_INVALID', async () => {
    const unknown = generateApiKey();
    secrets.push(unknown);
    const r = await postRaw(url, { authorization: `Bearer ${unknown}`, 'x-request-id': 'unknown-key' });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(refusal('AUTH_INVALID', 'invalid credentials'));
    expect(auditFor('unknown-key')).toMatchObject([
      { status: 'denied', decision: 'deny', error_code: 'AUTH_INVALID' },
    ]);
  });

  it('an expired key is 401 AUTH_EXPIRED', async () => {
    const r = await postRaw(url, { 'x-api-key': expired, 'x-request-id': 'expired-key' });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(r.body).toEqual(refusal('AUTH_EXPIRED', 'credentials expired'));
    expect(auditFor('expired-key')).toMatchObject([{ status: 'denied', error_code: 'AUTH_EXPIRED' }]);
  });

  it('Authorization: Bearer and X-API-Key both authenticate, and the principal reaches the audit record', async () => {
    for (const [i, headers] of [{ authorization: `Bearer ${alice}` }, { 'x-api-key': alice }].entries()) {
      const client = new TestClient({ url, headers });
      await client.initialize();
      const result = await client.call('m__echo', { text: `hello ${i}` });
      expect(textOf(result)).toBe(`hello ${i}`);
      expect(result.isError).toBeUndefined();
    }
    const calls = audit().filter((r) => r.method === 'tools/call' && r.principal === 'alice');
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls[0]).toMatchObject({
      auth_method: 'api-key',
      decision: 'allow',
      status: 'ok',
      name: 'm__echo',
      rule: 'all-echo',
    });
  });

  it('a revoked key is refused within a second, without a restart, and its open session ends', async () => {
    const client = new TestClient({ url, headers: { 'x-api-key': revocable.key } });
    await client.initialize();
    expect(textOf(await client.call('m__echo', { text: 'before' }))).toBe('before');
    const stream = await listen(client);
    // Revoked from another connection to the store, as `warden keys revoke` would.
    const other = openSqliteKeyStore(join(dir, 'warden.db'));
    const revokedAt = Date.now();
    expect(await other.revoke(revocable.id)).toBe(true);
    await other.close();
    let r: RawReply | undefined;
    for (let i = 0; i < 40; i++) {
      r = await postRaw(url, { 'x-api-key': revocable.key, 'x-request-id': `revoked-${i}` });
      if (r.status !== 200) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(Date.now() - revokedAt).toBeLessThan(1500);
    expect(r!.status).toBe(401);
    expect(r!.body).toEqual(refusal('AUTH_REVOKED', 'credentials revoked'));
    // The session opened before revocation dies with the key.
    const after = await client.request('tools/call', { name: 'm__echo', arguments: { text: 'after' } });
    expect(after.status).toBe(401);
    expect(after.messages).toEqual([refusal('AUTH_REVOKED', 'credentials revoked')]);
    expect(audit().filter((row) => row.error_code === 'AUTH_REVOKED').length).toBeGreaterThanOrEqual(2);
    // The GET stream the session held open ends too, and the session is gone.
    await stream.ended;
    expect(Date.now() - revokedAt).toBeLessThan(2500);
    expect(warden.gateway.sessions.has(client.sessionId!)).toBe(false);
  });

  it('a key in the query string is refused, even a valid one and even with a valid header', async () => {
    const urls = [
      `${url}?api_key=${alice}`,
      `${url}?key=${alice}`,
      `${url}?access_token=${alice}`,
      `${url}?x=${alice}`,
      `${url}?token=abc`,
      `${url}/../mcp?q=${encodeURIComponent(alice)}`,
    ];
    for (const [i, target] of urls.entries()) {
      for (const headers of [{}, { 'x-api-key': alice }]) {
        const r = await postRaw(target, { ...headers, 'x-request-id': `in-url-${i}` });
        expect(r.status, target).toBe(400);
        expect(r.headers.get('mcp-session-id')).toBeNull();
        expect(r.body).toEqual(refusal('CREDENTIAL_IN_URL', 'credentials are not accepted in URLs', -32600));
      }
    }
    expect(auditFor('in-url-0')).toMatchObject([
      { method: 'auth', status: 'denied', error_code: 'CREDENTIAL_IN_URL' },
      { method: 'auth', status: 'denied', error_code: 'CREDENTIAL_IN_URL' },
    ]);
    // A harmless query string does not get in the way.
    expect((await postRaw(`${url}?debug=1`, { 'x-api-key': alice })).status).toBe(200);
  });

  it('a per-key ipAllow admits only its addresses', async () => {
    const denied = await postRaw(url, { 'x-api-key': fromTenNet, 'x-request-id': 'key-ip-denied' });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toBeNull();
    expect(denied.body).toEqual(refusal('IP_DENIED', 'client address not allowed'));
    expect(auditFor('key-ip-denied')).toMatchObject([
      { method: 'auth', status: 'denied', error_code: 'IP_DENIED', client_address: '127.0.0.1' },
    ]);
    // Spoofed forwarding headers from an untrusted peer do not help.
    const spoofed = await postRaw(url, {
      'x-api-key': fromTenNet,
      'x-forwarded-for': '10.1.2.3',
      forwarded: 'for=10.1.2.3',
    });
    expect(spoofed.status).toBe(403);
    expect(spoofed.body).toEqual(refusal('IP_DENIED', 'client address not allowed'));
    const allowed = new TestClient({ url, headers: { 'x-api-key': fromLoopback } });
    await allowed.initialize();
    expect(textOf(await allowed.call('m__echo', { text: 'local' }))).toBe('local');
  });

  it('a session opened with key A is not found with key B (POST, GET, DELETE), and still works with key A', async () => {
    const a = new TestClient({ url, headers: { authorization: `Bearer ${alice}` } });
    await a.initialize();
    const sessionId = a.sessionId!;
    const b = new TestClient({ url, headers: { authorization: `Bearer ${bob}` } });
    b.sessionId = sessionId;
    const viaPost = await b.request('tools/call', { name: 'm__echo', arguments: { text: 'hijack' } }, 7);
    expect(viaPost.status).toBe(404);
    expect(viaPost.messages).toEqual([refusal('SESSION_NOT_FOUND', 'session not found')]);
    const headers = { ...b.headers(), accept: 'text/event-stream' };
    const viaGet = await fetch(url, { method: 'GET', headers });
    expect(viaGet.status).toBe(404);
    expect(await viaGet.json()).toEqual(refusal('SESSION_NOT_FOUND', 'session not found'));
    const viaDelete = await fetch(url, { method: 'DELETE', headers: b.headers() });
    expect(viaDelete.status).toBe(404);
    expect(await viaDelete.json()).toEqual(refusal('SESSION_NOT_FOUND', 'session not found'));
    expect(textOf(await a.call('m__echo', { text: 'still mine' }))).toBe('still mine');
  });
});

describe('correlation ids', () => {
  it('a well-formed X-Request-Id is echoed and stored in the audit record', async () => {
    const client = new TestClient({
      url,
      headers: { 'x-api-key': alice, 'x-request-id': 'corr-Abc.123:z_9' },
    });
    await client.initialize();
    const r = await client.request('tools/call', { name: 'm__echo', arguments: { text: 'c' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-request-id')).toBe('corr-Abc.123:z_9');
    expect(auditFor('corr-Abc.123:z_9')).toMatchObject([
      { method: 'tools/call', name: 'm__echo', status: 'ok', principal: 'alice' },
    ]);
  });

  it('a malformed X-Request-Id is replaced by a generated one, on success and on refusal', async () => {
    const bad = ['has space', 'x'.repeat(129), 'semi;colon', '<script>', 'a\tb'];
    for (const value of bad) {
      for (const headers of [{ 'x-api-key': alice }, {}]) {
        const r = await postRaw(url, { ...headers, 'x-request-id': value });
        const echoed = r.headers.get('x-request-id');
        expect(echoed).not.toBe(value);
        expect(echoed).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(audit().some((row) => row.correlation_id === value)).toBe(false);
      }
    }
    const traced = await postRaw(url, {
      'x-api-key': alice,
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    expect(traced.headers.get('x-request-id')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
});

describe('secrets stay secret', () => {
  it('no raw API key appears in the audit table, the store files or the logs', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(7);
    const rows = JSON.stringify(audit());
    const files = readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString('latin1'));
    const logs = logChunks.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const key of secrets) {
      const random = key.slice(4);
      expect(rows.includes(random), 'audit table').toBe(false);
      for (const content of files) expect(content.includes(random), 'store file').toBe(false);
      expect(logs.includes(random), 'logs').toBe(false);
    }
  });
});

describe('last use', () => {
  it('a key records its last use (written at the latest when Warden stops)', async () => {
    const before = Date.now();
    const r = await postRaw(url, { 'x-api-key': bob });
    expect(r.status).toBe(200);
    await warden.stop();
    const record = (await keys.list()).find((k) => k.principal === 'bob');
    expect(record?.lastUsedAt).toBeGreaterThanOrEqual(before);
    const never = (await keys.list()).find((k) => k.principal === 'carol');
    expect(never?.lastUsedAt).toBeNull();
  });
});
