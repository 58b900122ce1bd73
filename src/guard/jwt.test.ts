import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authConfigSchema } from '../config/access.js';
import { isWardenError } from '../errors/index.js';
import { openSqliteKeyStore } from '../store/sqlite/keys.js';
import { createGuard } from './guard.js';
import { createJwtVerifier, type JwtConfig } from './jwt.js';

const ISSUER = 'https://idp.test';
const AUDIENCE = 'https://warden.test/mcp';
let server: Server;
let jwksUrl: string;
let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
let rsaJwk: JWK;
let ec: { privateKey: CryptoKey; publicKey: CryptoKey };
let stranger: { privateKey: CryptoKey; publicKey: CryptoKey };
let jwksRequests = 0;
const NOW_SEC = 1_900_000_000;

beforeAll(async () => {
  rsa = await generateKeyPair('RS256', { extractable: true });
  ec = await generateKeyPair('ES256', { extractable: true });
  stranger = await generateKeyPair('RS256', { extractable: true });
  rsaJwk = { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };
  const ecJwk = { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' };
  server = createServer((_req, res) => {
    jwksRequests++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [rsaJwk, ecJwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function config(overrides: Partial<JwtConfig> = {}): JwtConfig {
  const auth = authConfigSchema.parse({
    mode: 'jwt',
    jwt: { issuer: ISSUER, audience: AUDIENCE, jwksUrl, ...overrides },
  });
  return auth.jwt!;
}

function token(
  claims: Record<string, unknown> = {},
  header: { alg: string; kid?: string } = { alg: 'RS256', kid: 'rsa-1' },
  key: CryptoKey = rsa.privateKey,
) {
  return new SignJWT({
    sub: 'alice',
    groups: ['dev'],
    scope: 'tools:read tools:call',
    jti: 'tok-1',
    ...claims,
  })
    .setProtectedHeader(header)
    .setIssuer(typeof claims.iss === 'string' ? claims.iss : ISSUER)
    .setAudience(typeof claims.aud === 'string' ? claims.aud : AUDIENCE)
    .setIssuedAt(NOW_SEC - 10)
    .setExpirationTime(typeof claims.exp === 'number' ? claims.exp : NOW_SEC + 600)
    .sign(key);
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
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

const at = (sec: number) => () => sec * 1000;

describe('createJwtVerifier against a real JWKS on loopback', () => {
  it('accepts a valid RS256 token and maps sub, groups, scope and jti', async () => {
    const verify = createJwtVerifier(config(), at(NOW_SEC));
    expect(await verify(await token())).toEqual({
      id: 'alice',
      groups: ['dev'],
      scopes: ['tools:read', 'tools:call'],
      authMethod: 'jwt',
      credentialId: 'tok-1',
      expiresAtMs: (NOW_SEC + 600) * 1000,
    });
  });

  it('accepts ES256 and honours custom principal and groups claims', async () => {
    const verify = createJwtVerifier(config({ principalClaim: 'email', groupsClaim: 'roles' }), at(NOW_SEC));
    const t = await token(
      { email: 'bob@example.test', roles: ['ops'], scope: undefined, scp: ['a'] },
      { alg: 'ES256', kid: 'ec-1' },
      ec.privateKey,
    );
    expect(await verify(t)).toMatchObject({ id: 'bob@example.test', groups: ['ops'], scopes: ['a'] });
  });

  it('caches verified tokens so repeated calls are synchronous, until they expire', async () => {
    const verify = createJwtVerifier(config(), at(NOW_SEC));
    const t = await token();
    await verify(t);
    const again = verify(t);
    expect(again).not.toBeInstanceOf(Promise);
    let now = NOW_SEC + 600 + 31;
    const later = createJwtVerifier(config(), () => now * 1000);
    expect(await codeOf(() => later(t))).toBe('AUTH_EXPIRED');
    now = NOW_SEC;
    expect(await codeOf(() => later(t))).toBe('ok');
    now = NOW_SEC + 700;
    expect(await codeOf(() => later(t))).toBe('AUTH_EXPIRED');
  });

  it('accepts expiry within the clock skew and refuses it beyond', async () => {
    const t = await token({ exp: NOW_SEC - 20 });
    expect(await codeOf(() => createJwtVerifier(config(), at(NOW_SEC))(t))).toBe('ok');
    expect(await codeOf(() => createJwtVerifier(config(), at(NOW_SEC + 11))(t))).toBe('AUTH_EXPIRED');
    expect(await codeOf(() => createJwtVerifier(config({ clockSkewSec: 0 }), at(NOW_SEC))(t))).toBe(
      'AUTH_EXPIRED',
    );
  });

  it('refuses tokens not yet valid beyond the skew', async () => {
    const t = await token({ nbf: NOW_SEC + 120 });
    expect(await codeOf(() => createJwtVerifier(config(), at(NOW_SEC))(t))).toBe('AUTH_INVALID');
  });

  it('refuses wrong audience, wrong issuer and a missing exp', async () => {
    const verify = createJwtVerifier(config(), at(NOW_SEC));
    expect(await codeOf(async () => verify(await token({ aud: 'https://other.test' })))).toBe('AUTH_INVALID');
    expect(await codeOf(async () => verify(await token({ iss: 'https://evil.test' })))).toBe('AUTH_INVALID');
    const noExp = await new SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(rsa.privateKey);
    expect(await codeOf(() => verify(noExp))).toBe('AUTH_INVALID');
  });

  it('refuses alg none', async () => {
    const verify = createJwtVerifier(config(), at(NOW_SEC));
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'admin', iss: ISSUER, aud: AUDIENCE, exp: NOW_SEC + 600 })}.`;
    expect(await codeOf(() => verify(unsigned))).toBe('AUTH_INVALID');
  });

  it('refuses HS256 signed with the public key (algorithm confusion)', async () => {
    const pem = await exportSPKI(rsa.publicKey);
    const header = b64({ alg: 'HS256', kid: 'rsa-1', typ: 'JWT' });
    const payload = b64({ sub: 'admin', iss: ISSUER, aud: AUDIENCE, exp: NOW_SEC + 600 });
    const forged = `${header}.${payload}.${createHmac('sha256', pem).update(`${header}.${payload}`).digest('base64url')}`;
    const verify = createJwtVerifier(config({ algorithms: ['RS256', 'HS256'] }), at(NOW_SEC));
    expect(await codeOf(() => verify(forged))).toBe('AUTH_INVALID');
    const jwkKey = createHmac('sha256', JSON.stringify(rsaJwk))
      .update(`${header}.${payload}`)
      .digest('base64url');
    expect(await codeOf(() => verify(`${header}.${payload}.${jwkKey}`))).toBe('AUTH_INVALID');
  });

  it('refuses algorithms outside the allowlist even with a valid signature', async () => {
    const verify = createJwtVerifier(config({ algorithms: ['RS256'] }), at(NOW_SEC));
    expect(
      await codeOf(async () => verify(await token({}, { alg: 'ES256', kid: 'ec-1' }, ec.privateKey))),
    ).toBe('AUTH_INVALID');
  });

  it('refuses forged signatures, unknown key ids and tampered payloads', async () => {
    const verify = createJwtVerifier(config(), at(NOW_SEC));
    expect(
      await codeOf(async () => verify(await token({}, { alg: 'RS256', kid: 'rsa-1' }, stranger.privateKey))),
    ).toBe('AUTH_INVALID');
    expect(
      await codeOf(async () => verify(await token({}, { alg: 'RS256', kid: 'nope' }, stranger.privateKey))),
    ).toBe('AUTH_INVALID');
    const [h, , s] = (await token()).split('.');
    const tampered = `${h}.${b64({ sub: 'admin', iss: ISSUER, aud: AUDIENCE, exp: NOW_SEC + 600 })}.${s}`;
    expect(await codeOf(() => verify(tampered))).toBe('AUTH_INVALID');
  });

  it('refuses malformed tokens and malformed claims', async () => {
    const verify = createJwtVerifier(config(), at(NOW_SEC));
    for (const bad of ['', 'a.b', 'a.b.c', '...', `${'x'.repeat(20_000)}.a.b`]) {
      expect(await codeOf(() => verify(bad)), bad.slice(0, 20)).toBe('AUTH_INVALID');
    }
    expect(await codeOf(async () => verify(await token({ sub: '' })))).toBe('AUTH_INVALID');
    expect(await codeOf(async () => verify(await token({ sub: 'x'.repeat(300) })))).toBe('AUTH_INVALID');
    expect(await codeOf(async () => verify(await token({ groups: 'dev' })))).toBe('ok');
    expect(await codeOf(async () => verify(await token({ groups: [1, 2] })))).toBe('AUTH_INVALID');
    expect(await codeOf(async () => verify(await token({ scope: 42 })))).toBe('AUTH_INVALID');
  });

  it('fetches the JWKS once and reuses it', async () => {
    const before = jwksRequests;
    const verify = createJwtVerifier(config(), at(NOW_SEC));
    await verify(await token({ jti: 'a' }));
    await verify(await token({ jti: 'b' }));
    await verify(await token({ jti: 'c' }));
    expect(jwksRequests - before).toBe(1);
  });
});

describe('createGuard in jwt mode', () => {
  it('authenticates bearer JWTs and still accepts Warden API keys', async () => {
    const keys = openSqliteKeyStore(':memory:');
    const { key } = await keys.create({ principal: 'svc' });
    const auth = authConfigSchema.parse({
      mode: 'jwt',
      jwt: { issuer: ISSUER, audience: AUDIENCE, jwksUrl },
    });
    const guard = await createGuard({ auth, limits: {}, keys, listenIsLoopback: false, now: at(NOW_SEC) });
    const base = { remoteAddress: '127.0.0.1', url: '/mcp' };
    expect(
      await guard.authenticate({ ...base, headers: { authorization: `Bearer ${await token()}` } }),
    ).toMatchObject({
      principal: { id: 'alice', authMethod: 'jwt' },
    });
    expect(await guard.authenticate({ ...base, headers: { authorization: `Bearer ${key}` } })).toMatchObject({
      principal: { id: 'svc' },
    });
    expect(
      await codeOf(async () =>
        guard.authenticate({ ...base, headers: { authorization: `Bearer ${await token({ aud: 'x' })}` } }),
      ),
    ).toBe('AUTH_INVALID');
    expect(
      await codeOf(async () =>
        guard.authenticate({ ...base, url: `/mcp?access_token=${await token()}`, headers: {} }),
      ),
    ).toBe('CREDENTIAL_IN_URL');
    await guard.close();
    await keys.close();
  });

  it('credentialValid holds a token’s principal until its exp plus the clock skew, then not', async () => {
    const keys = openSqliteKeyStore(':memory:');
    const auth = authConfigSchema.parse({
      mode: 'jwt',
      jwt: { issuer: ISSUER, audience: AUDIENCE, jwksUrl, clockSkewSec: 30 },
    });
    let nowMs = NOW_SEC * 1000;
    const guard = await createGuard({ auth, limits: {}, keys, listenIsLoopback: false, now: () => nowMs });
    const { principal } = await guard.authenticate({
      remoteAddress: '127.0.0.1',
      url: '/mcp',
      headers: { authorization: `Bearer ${await token({ exp: NOW_SEC + 60 })}` },
    });
    expect(principal.expiresAtMs).toBe((NOW_SEC + 60) * 1000);
    nowMs = (NOW_SEC + 60 + 30) * 1000;
    expect(guard.credentialValid(principal)).toBe(true);
    nowMs += 1;
    expect(guard.credentialValid(principal)).toBe(false);
    await guard.close();
    await keys.close();
  });
});
