// Identity across real processes: a key made by `warden keys create` used against `warden serve`, and OIDC/JWT
// bearer tokens checked against a JWKS the test serves on loopback with keys it generates.
import { once } from 'node:events';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, startCli, waitForListening } from './helpers/cli.js';
import { Writable } from 'node:stream';
import { startWarden, type RunningWarden } from '../../src/app/start.js';
import { configFromObject } from '../../src/config/index.js';
import { createLogger } from '../../src/log/index.js';
import { miniUpstream } from './helpers/gateway.js';
import { TestClient, textOf } from './helpers/mcp-http-client.js';
import { INITIALIZE, postRaw } from './helpers/raw-post.js';

function refusal(code: string, message: string): unknown {
  return { jsonrpc: '2.0', id: null, error: { code: -32001, message: `${code}: ${message}` } };
}

describe.skipIf(!existsSync(CLI))('warden keys create --json, then warden serve (real processes)', () => {
  it('the printed key works against the served gateway; the revoked key stops working', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-access-cli-'));
    const config = join(dir, 'warden.yaml');
    writeFileSync(
      config,
      JSON.stringify({
        listen: { http: '127.0.0.1:0' },
        auth: { mode: 'api-key' },
        store: { sqlite: 'warden.db' },
        policy: { rules: [{ name: 'ops', groups: ['ops'], tools: ['m__*'], effect: 'allow' }] },
        upstreams: { m: miniUpstream('m') },
      }),
    );
    const created = await runCli(
      [
        'keys',
        'create',
        '--config',
        config,
        '--principal',
        'alice',
        '--groups',
        'ops',
        '--expires',
        '30d',
        '--json',
      ],
      { cwd: dir },
    );
    expect(created.code, created.stderr).toBe(0);
    const printed = JSON.parse(created.stdout) as { key: string; id: string };
    expect(printed.key).toMatch(/^wdn_[A-Za-z0-9_-]{43}$/);

    const child = startCli(['serve', '--config', config], { cwd: dir });
    const listening = waitForListening(child);
    try {
      const { url, stderr } = await listening;
      const anonymous = await postRaw(url, {});
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual(refusal('AUTH_REQUIRED', 'authentication required'));

      const client = new TestClient({ url, headers: { authorization: `Bearer ${printed.key}` } });
      await client.initialize();
      const listed = await client.request('tools/list', {});
      expect(listed.response?.result.tools.map((t: { name: string }) => t.name)).toContain('m__echo');
      expect(textOf(await client.call('m__echo', { text: 'from the CLI key' }))).toBe('from the CLI key');

      // A key created after start-up by another process works at once.
      const second = await runCli(['keys', 'create', '--config', config, '--principal', 'bob', '--json'], {
        cwd: dir,
      });
      const bobKey = (JSON.parse(second.stdout) as { key: string }).key;
      const bob = new TestClient({ url, headers: { 'x-api-key': bobKey } });
      await bob.initialize();
      // bob has no rule: deny by default for HTTP principals.
      expect(textOf(await bob.call('m__echo', { text: 'x' }))).toBe(
        'POLICY_DENIED: denied by policy (default)',
      );

      const revoked = await runCli(['keys', 'revoke', '--config', config, printed.id], { cwd: dir });
      expect(revoked.code, revoked.stderr).toBe(0);
      await expect
        .poll(async () => (await postRaw(url, { authorization: `Bearer ${printed.key}` })).status, {
          timeout: 1500,
          interval: 50,
        })
        .toBe(401);
      expect(await postRaw(url, { authorization: `Bearer ${printed.key}` })).toMatchObject({
        body: refusal('AUTH_REVOKED', 'credentials revoked'),
      });
      expect(stderr().includes(printed.key.slice(4))).toBe(false);
      expect(stderr().includes(bobKey.slice(4))).toBe(false);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    const db = new Database(join(dir, 'warden.db'), { readonly: true });
    const rows = JSON.stringify(db.prepare('SELECT * FROM audit_records').all());
    const keyRows = JSON.stringify(db.prepare('SELECT * FROM api_keys').all());
    db.close();
    expect(rows).toContain('AUTH_REVOKED');
    expect(rows.includes(printed.key.slice(4))).toBe(false);
    expect(keyRows.includes(printed.key.slice(4))).toBe(false);
  });
});

describe('JWT bearer tokens against a loopback JWKS', () => {
  const ISSUER = 'https://issuer.test';
  const AUDIENCE = 'https://warden.test/mcp';
  let jwks: Server;
  let signingKey: CryptoKey;
  let strangerKey: CryptoKey;
  let gateway: RunningWarden & { url: string; dir: string };
  const logChunks: string[] = [];
  let origin: string;

  const token = (
    claims: Record<string, unknown> = {},
    key: CryptoKey = signingKey,
    expSec?: number,
  ): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ groups: ['readers'], ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(typeof claims.iss === 'string' ? claims.iss : ISSUER)
      .setAudience(typeof claims.aud === 'string' ? claims.aud : AUDIENCE)
      .setSubject('jwt-user')
      .setIssuedAt(now - 10)
      .setExpirationTime(expSec ?? now + 300)
      .sign(key);
  };

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    signingKey = pair.privateKey;
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    jwks.listen(0, '127.0.0.1');
    await once(jwks, 'listening');
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
    const dir = mkdtempSync(join(tmpdir(), 'warden-access-jwt-'));
    const config = configFromObject(
      {
        listen: { http: '127.0.0.1:0' },
        auth: { mode: 'jwt', jwt: { issuer: ISSUER, audience: AUDIENCE, jwksUrl, algorithms: ['RS256'] } },
        store: { sqlite: join(dir, 'warden.db') },
        policy: { rules: [{ name: 'readers', groups: ['readers'], tools: ['m__echo'], effect: 'allow' }] },
        upstreams: { m: miniUpstream('m') },
      },
      { baseDir: dir },
    );
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        logChunks.push(chunk.toString('utf8'));
        done();
      },
    });
    const running = await startWarden(config, { logger: createLogger({ level: 'debug', destination }) });
    gateway = { ...running, url: `http://127.0.0.1:${running.address!.port}/mcp`, dir };
    origin = new URL(gateway.url).origin;
  });

  afterAll(async () => {
    await gateway?.stop();
    jwks?.close();
  });

  const metadataUrl = (): string => `${origin}/.well-known/oauth-protected-resource`;

  it('serves RFC 9728 protected-resource metadata, and a 401 names it', async () => {
    const res = await fetch(metadataUrl());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({
      resource: gateway.url,
      authorization_servers: [ISSUER],
      bearer_methods_supported: ['header'],
      resource_name: 'Warden',
    });
    const r = await postRaw(gateway.url, {});
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${metadataUrl()}"`);
    expect(r.body).toEqual(refusal('AUTH_REQUIRED', 'authentication required'));
  });

  it('a valid token works; its groups reach the policy', async () => {
    const client = new TestClient({
      url: gateway.url,
      headers: { authorization: `Bearer ${await token()}` },
    });
    await client.initialize();
    const listed = await client.request('tools/list', {});
    expect(listed.response?.result.tools.map((t: { name: string }) => t.name)).toEqual(['m__echo']);
    expect(textOf(await client.call('m__echo', { text: 'jwt' }))).toBe('jwt');
    expect(textOf(await client.call('m__add', { a: 1, b: 2 }))).toBe(
      'POLICY_DENIED: denied by policy (default)',
    );
  });

  it('clock skew: a token expired 10 s ago is still accepted (skew 30 s); nbf beyond the skew and a missing exp are refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(
      (await postRaw(gateway.url, { authorization: `Bearer ${await token({}, signingKey, now - 10)}` }))
        .status,
    ).toBe(200);
    const future = await new SignJWT({ groups: ['readers'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('jwt-user')
      .setNotBefore(now + 300)
      .setExpirationTime(now + 600)
      .sign(signingKey);
    const r = await postRaw(gateway.url, { authorization: `Bearer ${future}` });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(refusal('AUTH_INVALID', 'token could not be verified'));
    const noExp = await new SignJWT({ groups: ['readers'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('jwt-user')
      .sign(signingKey);
    const r2 = await postRaw(gateway.url, { authorization: `Bearer ${noExp}` });
    expect(r2.status).toBe(401);
    expect(r2.body).toEqual(refusal('AUTH_INVALID', 'token could not be verified'));
  });

  it('a token in the query string is refused, never accepted', async () => {
    const good = await token();
    for (const target of [`${gateway.url}?access_token=${good}`, `${gateway.url}?t=${good}`]) {
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify(INITIALIZE),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: 'CREDENTIAL_IN_URL: credentials are not accepted in URLs' },
      });
    }
  });

  it('expired, wrong audience, wrong issuer, alg none, bad signature and garbage tokens are 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const good = await token();
    const [header, payload] = good.split('.');
    const cases: [string, string, string, string][] = [
      ['expired', await token({}, signingKey, now - 120), 'AUTH_EXPIRED', 'token expired'],
      [
        'wrong audience',
        await token({ aud: 'https://other.test' }),
        'AUTH_INVALID',
        'token could not be verified',
      ],
      [
        'wrong issuer',
        await token({ iss: 'https://evil.test' }),
        'AUTH_INVALID',
        'token could not be verified',
      ],
      [
        'alg none',
        `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
        'AUTH_INVALID',
        'token could not be verified',
      ],
      [
        'alg none, kid kept',
        `${b64({ alg: 'none', kid: 'k1' })}.${payload}.`,
        'AUTH_INVALID',
        'token could not be verified',
      ],
      ['bad signature', await token({}, strangerKey), 'AUTH_INVALID', 'token could not be verified'],
      [
        'tampered payload',
        `${header}.${b64({ sub: 'admin', iss: ISSUER, aud: AUDIENCE, exp: now + 300, groups: ['readers'] })}.${good.split('.')[2]}`,
        'AUTH_INVALID',
        'token could not be verified',
      ],
      [
        'HS256 with the public key',
        `${b64({ alg: 'HS256', kid: 'k1' })}.${payload}.AAAA`,
        'AUTH_INVALID',
        'token could not be verified',
      ],
      ['garbage', 'eyJhbGciOi.not.a.jwt', 'AUTH_INVALID', 'token could not be verified'],
    ];
    for (const [name, jwt, code, message] of cases) {
      const r = await postRaw(gateway.url, {
        authorization: `Bearer ${jwt}`,
        'x-request-id': `jwt-${name.replace(/[^a-z]/g, '-')}`,
      });
      expect(r.status, name).toBe(401);
      expect(r.headers.get('www-authenticate'), name).toBe(
        `Bearer error="invalid_token", resource_metadata="${metadataUrl()}"`,
      );
      expect(r.body, name).toEqual(refusal(code, message));
    }
    const db = new Database(join(gateway.dir, 'warden.db'), { readonly: true });
    const rows = db
      .prepare("SELECT * FROM audit_records WHERE correlation_id LIKE 'jwt-%' ORDER BY seq")
      .all() as { method: string; status: string; decision: string; error_code: string }[];
    const text = JSON.stringify(db.prepare('SELECT * FROM audit_records').all());
    db.close();
    expect(rows.map((r) => r.error_code)).toEqual(cases.map((c) => c[2]));
    expect(rows.every((r) => r.method === 'auth' && r.status === 'denied' && r.decision === 'deny')).toBe(
      true,
    );
    // No token (nor its signature) is stored.
    expect(text.includes(good.split('.')[2]!)).toBe(false);
    expect(text.includes(payload!)).toBe(false);
    const logs = logChunks.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const [, jwt] of cases) {
      const signature = jwt.split('.')[2];
      if (signature && signature.length > 8) expect(logs.includes(signature)).toBe(false);
    }
    expect(logs.includes(payload!)).toBe(false);
  });
});
