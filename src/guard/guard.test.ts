import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { authConfigSchema, limitsConfigSchema } from '../config/access.js';
import { isWardenError } from '../errors/index.js';
import type { KeyStore } from '../store/keys.js';
import { openSqliteKeyStore } from '../store/sqlite/keys.js';
import { DEFAULT_KEY_MAX_STALE_MS } from './api-key-index.js';
import { createGuard, type AuthRequest, type Guard, type GuardOptions } from './guard.js';

let dir: string;
let file: string;
let keys: KeyStore;
let guard: Guard | undefined;
let t: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-guard-'));
  file = join(dir, 'warden.db');
  keys = openSqliteKeyStore(file);
  t = 1_000_000;
});

afterEach(async () => {
  await guard?.close();
  guard = undefined;
  await keys.close();
  rmSync(dir, { recursive: true, force: true });
});

async function makeGuard(
  auth: Record<string, unknown> = {},
  extra: Partial<GuardOptions> = {},
): Promise<Guard> {
  guard = await createGuard({
    auth: authConfigSchema.parse(auth),
    limits: limitsConfigSchema.parse({}),
    keys,
    listenIsLoopback: true,
    now: () => t,
    ...extra,
  });
  return guard;
}

function req(headers: AuthRequest['headers'] = {}, extra: Partial<AuthRequest> = {}): AuthRequest {
  return { headers, remoteAddress: '127.0.0.1', url: '/mcp', ...extra };
}

async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return 'ok';
  } catch (error) {
    if (isWardenError(error)) return error.code;
    throw error;
  }
}

describe('createGuard with API keys', () => {
  it('authenticates a key in Authorization: Bearer synchronously, and in X-API-Key', async () => {
    const { key, record } = await keys.create({ principal: 'alice', groups: ['dev'], scopes: ['read'] });
    const g = await makeGuard();
    const result = g.authenticate(req({ authorization: `Bearer ${key}` }));
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toEqual({
      principal: {
        id: 'alice',
        groups: ['dev'],
        scopes: ['read'],
        authMethod: 'api-key',
        credentialId: record.id,
      },
      clientAddress: '127.0.0.1',
    });
    expect(await g.authenticate(req({ 'x-api-key': key }))).toMatchObject({ principal: { id: 'alice' } });
  });

  it('refuses missing, malformed and forged keys', async () => {
    const { key } = await keys.create({ principal: 'alice' });
    const g = await makeGuard();
    expect(await codeOf(() => g.authenticate(req()))).toBe('AUTH_REQUIRED');
    expect(await codeOf(() => g.authenticate(req({ authorization: 'Bearer wdn_short' })))).toBe(
      'AUTH_INVALID',
    );
    expect(await codeOf(() => g.authenticate(req({ authorization: `Bearer ${key}x` })))).toBe('AUTH_INVALID');
    const forged = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect(await codeOf(() => g.authenticate(req({ authorization: `Bearer ${forged}` })))).toBe(
      'AUTH_INVALID',
    );
    expect(
      await codeOf(() => g.authenticate(req({ authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' }))),
    ).toBe('AUTH_INVALID');
    expect(await codeOf(() => g.authenticate(req({ authorization: `Basic ${key}` })))).toBe('AUTH_INVALID');
  });

  it('refuses a key sent in the URL even when it is valid', async () => {
    const { key } = await keys.create({ principal: 'alice' });
    const g = await makeGuard();
    expect(
      await codeOf(() =>
        g.authenticate(req({ authorization: `Bearer ${key}` }, { url: `/mcp?api_key=${key}` })),
      ),
    ).toBe('CREDENTIAL_IN_URL');
    expect(await codeOf(() => g.authenticate(req({}, { url: `/mcp?key=${key}` })))).toBe('CREDENTIAL_IN_URL');
  });

  it('refuses expired keys', async () => {
    const { key } = await keys.create({ principal: 'alice', expiresAt: t + 1000 });
    const g = await makeGuard();
    expect(await codeOf(() => g.authenticate(req({ authorization: `Bearer ${key}` })))).toBe('ok');
    t += 1000;
    expect(await codeOf(() => g.authenticate(req({ authorization: `Bearer ${key}` })))).toBe('AUTH_EXPIRED');
  });

  it('sees a revocation made by another process within a second', async () => {
    const { key, record } = await keys.create({ principal: 'alice' });
    const g = await makeGuard({}, { now: Date.now });
    expect(await codeOf(() => g.authenticate(req({ authorization: `Bearer ${key}` })))).toBe('ok');
    const cli = openSqliteKeyStore(file);
    await cli.revoke(record.id);
    await cli.close();
    const started = Date.now();
    await vi.waitFor(
      async () =>
        expect(await codeOf(() => g.authenticate(req({ authorization: `Bearer ${key}` })))).toBe(
          'AUTH_REVOKED',
        ),
      {
        timeout: 1000,
        interval: 20,
      },
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('accepts a key created by another process at once (reload on miss), but reloads at most once a second', async () => {
    const g = await makeGuard();
    const cli = openSqliteKeyStore(file);
    const first = await cli.create({ principal: 'new' });
    const result = g.authenticate(req({ authorization: `Bearer ${first.key}` }));
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toMatchObject({ principal: { id: 'new' } });
    const second = await cli.create({ principal: 'newer' });
    await cli.close();
    // Within the miss-reload interval a flood of unknown keys does not hit the store again.
    expect(await codeOf(() => g.authenticate(req({ authorization: `Bearer ${second.key}` })))).toBe(
      'AUTH_INVALID',
    );
    t += 1000;
    expect(await codeOf(() => g.authenticate(req({ authorization: `Bearer ${second.key}` })))).toBe('ok');
  });

  it('enforces the listener allowlist and the per-key allowlist, after IPv4-mapped normalisation', async () => {
    const { key } = await keys.create({ principal: 'alice', ipAllow: ['10.1.0.0/16'] });
    const g = await makeGuard({ ipAllow: ['10.0.0.0/8'] });
    expect(
      await codeOf(() =>
        g.authenticate(req({ authorization: `Bearer ${key}` }, { remoteAddress: '::ffff:10.1.2.3' })),
      ),
    ).toBe('ok');
    expect(
      await codeOf(() =>
        g.authenticate(req({ authorization: `Bearer ${key}` }, { remoteAddress: '10.2.0.1' })),
      ),
    ).toBe('IP_DENIED');
    expect(
      await codeOf(() =>
        g.authenticate(req({ authorization: `Bearer ${key}` }, { remoteAddress: '192.168.0.1' })),
      ),
    ).toBe('IP_DENIED');
    // The IP check runs before authentication: no credential oracle for outsiders.
    expect(await codeOf(() => g.authenticate(req({}, { remoteAddress: '192.168.0.1' })))).toBe('IP_DENIED');
  });

  it('ignores X-Forwarded-For from untrusted peers and honours it from trusted proxies', async () => {
    const { key } = await keys.create({ principal: 'alice' });
    const g = await makeGuard({ ipAllow: ['198.51.100.0/24'], trustedProxies: ['127.0.0.1'] });
    const auth = { authorization: `Bearer ${key}`, 'x-forwarded-for': '198.51.100.20' };
    expect(await g.authenticate(req(auth))).toMatchObject({ clientAddress: '198.51.100.20' });
    expect(await codeOf(() => g.authenticate(req(auth, { remoteAddress: '203.0.113.5' })))).toBe('IP_DENIED');
  });

  it('batches last-use updates instead of writing per request', async () => {
    const { key, record } = await keys.create({ principal: 'alice' });
    const g = await makeGuard();
    for (let i = 0; i < 50; i++) await g.authenticate(req({ authorization: `Bearer ${key}` }));
    expect((await keys.get(record.id))?.lastUsedAt).toBeNull();
    await g.close();
    guard = undefined;
    expect((await keys.get(record.id))?.lastUsedAt).toBe(t);
  });

  it('gives the anonymous principal in mode none, still refusing credentials in URLs and foreign addresses', async () => {
    const g = await makeGuard({ mode: 'none', ipAllow: ['127.0.0.0/8'] });
    expect(g.authenticate(req())).toEqual({
      principal: { id: 'anonymous', groups: [], scopes: [], authMethod: 'none' },
      clientAddress: '127.0.0.1',
    });
    expect(await codeOf(() => g.authenticate(req({}, { url: '/mcp?token=x' })))).toBe('CREDENTIAL_IN_URL');
    expect(await codeOf(() => g.authenticate(req({}, { remoteAddress: '10.0.0.1' })))).toBe('IP_DENIED');
  });

  it('refuses mode none on a non-loopback listener', async () => {
    await expect(
      createGuard({
        auth: authConfigSchema.parse({ mode: 'none' }),
        limits: {},
        keys,
        listenIsLoopback: false,
      }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
  });

  it('refuses invalid CIDRs in the config', async () => {
    await expect(makeGuard({ ipAllow: ['10.0.0.0/99'] })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('authenticates a verified client certificate by CN when mTLS is on, and a key still wins', async () => {
    const { key } = await keys.create({ principal: 'alice' });
    const g = await makeGuard({}, { mtls: true });
    const cert = { fingerprint256: 'AB:CD', subjectCN: 'build-bot' };
    expect(g.authenticate(req({}, { peerCertificate: cert }))).toEqual({
      principal: { id: 'build-bot', groups: [], scopes: [], authMethod: 'mtls', credentialId: 'AB:CD' },
      clientAddress: '127.0.0.1',
    });
    const again = (): unknown =>
      (g.authenticate(req({}, { peerCertificate: { ...cert } })) as { principal: unknown }).principal;
    expect(again()).toBe(again());
    expect(
      await g.authenticate(req({ authorization: `Bearer ${key}` }, { peerCertificate: cert })),
    ).toMatchObject({ principal: { id: 'alice' } });
    expect(await codeOf(() => g.authenticate(req({}, { peerCertificate: { fingerprint256: 'AB' } })))).toBe(
      'AUTH_INVALID',
    );
    const off = await createGuard({
      auth: authConfigSchema.parse({}),
      limits: {},
      keys,
      listenIsLoopback: true,
    });
    expect(await codeOf(() => off.authenticate(req({}, { peerCertificate: cert })))).toBe('AUTH_REQUIRED');
    await off.close();
  });

  it('credentialValid holds for an admitted key until that key is revoked, whatever happens to the principal’s other keys', async () => {
    const opener = await keys.create({ principal: 'alice' });
    const other = await keys.create({ principal: 'alice' });
    const g = await makeGuard();
    const { principal } = await g.authenticate(req({ authorization: `Bearer ${opener.key}` }));
    await keys.revoke(other.record.id, t);
    await g.refreshKeys();
    expect(g.credentialValid(principal)).toBe(true);
    await keys.revoke(opener.record.id, t);
    await g.refreshKeys();
    expect(g.credentialValid(principal)).toBe(false);
  });

  it('credentialValid turns false the moment an admitted key expires', async () => {
    const { key } = await keys.create({ principal: 'alice', expiresAt: t + 1000 });
    const g = await makeGuard();
    const { principal } = await g.authenticate(req({ authorization: `Bearer ${key}` }));
    t += 999;
    expect(g.credentialValid(principal)).toBe(true);
    t += 1;
    expect(g.credentialValid(principal)).toBe(false);
  });

  it('credentialValid fails closed while the key index is stale, and recovers with the store', async () => {
    const { key } = await keys.create({ principal: 'alice' });
    const g = await makeGuard({}, { keyPollIntervalMs: 3_600_000 });
    const { principal } = await g.authenticate(req({ authorization: `Bearer ${key}` }));
    t += DEFAULT_KEY_MAX_STALE_MS + 1;
    expect(g.credentialValid(principal)).toBe(false);
    expect(await codeOf(() => g.authenticate(req({ authorization: `Bearer ${key}` })))).toBe(
      'STORE_UNAVAILABLE',
    );
    await g.refreshKeys();
    expect(g.credentialValid(principal)).toBe(true);
  });

  it('credentialValid refuses principals it cannot tie to a live credential', async () => {
    const { record } = await keys.create({ principal: 'alice' });
    const g = await makeGuard();
    const base = { groups: [], scopes: [] };
    // A key id under another principal's name, a key principal without a key id, an unknown key id.
    expect(
      g.credentialValid({ ...base, id: 'mallory', authMethod: 'api-key', credentialId: record.id }),
    ).toBe(false);
    expect(g.credentialValid({ ...base, id: 'alice', authMethod: 'api-key' })).toBe(false);
    expect(g.credentialValid({ ...base, id: 'alice', authMethod: 'api-key', credentialId: 'key_gone' })).toBe(
      false,
    );
    // A JWT principal where the guard accepts no JWTs, however far its expiry.
    expect(g.credentialValid({ ...base, id: 'alice', authMethod: 'jwt', expiresAtMs: t + 60_000 })).toBe(
      false,
    );
    expect(g.credentialValid({ ...base, id: 'alice', authMethod: 'api-key', credentialId: record.id })).toBe(
      true,
    );
  });

  it('credentialValid holds for the anonymous principal and verified client certificates', async () => {
    const anonymous = await makeGuard({ mode: 'none' });
    expect(anonymous.credentialValid((await anonymous.authenticate(req())).principal)).toBe(true);
    await anonymous.close();
    const g = await makeGuard({}, { mtls: true });
    const cert = { fingerprint256: 'AB:CD', subjectCN: 'build-bot' };
    expect(g.credentialValid((await g.authenticate(req({}, { peerCertificate: cert }))).principal)).toBe(
      true,
    );
  });

  it('refuses bearer tokens that are not keys in api-key mode', async () => {
    const g = await makeGuard();
    expect(await codeOf(() => g.authenticate(req({ authorization: 'Bearer some-opaque-token' })))).toBe(
      'AUTH_INVALID',
    );
  });

  it('exposes the limiter and correlation ids', async () => {
    const g = await makeGuard(
      {},
      { limits: limitsConfigSchema.parse({ principal: { max: 1, windowMs: 1000 } }) },
    );
    g.limiter.acquire('alice', 'fs_read');
    expect(await codeOf(() => g.limiter.acquire('alice', 'fs_read'))).toBe('RATE_LIMITED');
    expect(g.correlationId({ 'x-request-id': 'abc' })).toBe('abc');
  });
});
