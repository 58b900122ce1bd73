// An HTTP session ends when the credential behind it stops being valid: a revoked or expired API key, a JWT past
// its exp. A real guard, gateway and front end run in-process on loopback; the sweep's and the key index's
// intervals are faked, the guard's clock is `t`.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { configFromObject } from '../config/index.js';
import { Gateway } from '../gateway/gateway.js';
import { DEFAULT_KEY_MAX_STALE_MS, DEFAULT_KEY_POLL_INTERVAL_MS } from '../guard/api-key-index.js';
import { createGuard, refusalHeaders, type Guard } from '../guard/index.js';
import { createLogger } from '../log/index.js';
import { RPC } from '../mcp/wire.js';
import { compilePolicy } from '../policy/policy.js';
import type { KeyStore } from '../store/keys.js';
import { openSqliteKeyStore } from '../store/sqlite/keys.js';
import { CREDENTIAL_SWEEP_INTERVAL_MS, createHttpFrontEnd, type HttpFrontEnd } from './http-server.js';

const ISSUER = 'https://idp.test';
const AUDIENCE = 'https://warden.test/mcp';
const SKEW_SEC = 5;
const SESSION_NOT_FOUND = {
  jsonrpc: '2.0',
  id: null,
  error: { code: RPC.REFUSED, message: 'SESSION_NOT_FOUND: session not found' },
};
const PONG = { jsonrpc: '2.0', id: 2, result: {} };

let t: number;
let dir: string;
let keys: KeyStore;
/** While true, the key store the guard reads is unreachable. */
let storeDown: boolean;
let guard: Guard | undefined;
let gateway: Gateway | undefined;
let front: HttpFrontEnd | undefined;
let url: string;
let logs: string[];
let jwks: Server;
let jwksUrl: string;
let signing: { privateKey: CryptoKey; publicKey: CryptoKey };

beforeAll(async () => {
  signing = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(signing.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  jwks = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
});

afterAll(async () => {
  await new Promise((resolve) => jwks.close(resolve));
});

beforeEach(() => {
  // Only intervals are fake: the sweep, the key poll and the idle timer run when the test advances them.
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  t = 1_900_000_000_000;
  dir = mkdtempSync(join(tmpdir(), 'warden-http-server-'));
  keys = openSqliteKeyStore(join(dir, 'warden.db'));
  storeDown = false;
  logs = [];
});

afterEach(async () => {
  const closing = front?.close();
  await gateway?.stop();
  front?.terminate();
  await closing;
  await guard?.close();
  await keys.close();
  vi.useRealTimers();
  front = undefined;
  gateway = undefined;
  guard = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function startFrontEnd(auth: Record<string, unknown>): Promise<void> {
  const config = configFromObject(
    { listen: { http: '127.0.0.1:0' }, auth, store: { sqlite: join(dir, 'warden.db') } },
    { baseDir: dir },
  );
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    }),
  });
  const unreachable = (): Promise<never> => Promise.reject(new Error('key store unreachable'));
  const failable: KeyStore = {
    ...keys,
    version: () => (storeDown ? unreachable() : keys.version()),
    list: () => (storeDown ? unreachable() : keys.list()),
  };
  guard = await createGuard({
    auth: config.auth,
    limits: config.limits,
    keys: failable,
    listenIsLoopback: true,
    now: () => t,
  });
  const audit = { append: () => Promise.resolve() };
  gateway = new Gateway({
    config,
    logger,
    builtins: [],
    policy: {
      http: compilePolicy(config.policy, { defaultEffect: 'deny' }),
      stdio: compilePolicy(config.policy, { defaultEffect: 'allow' }),
    },
    validator: { validate: () => undefined },
    audit,
  });
  await gateway.start();
  // Wired as src/app/start.ts wires the guard.
  front = createHttpFrontEnd({
    config,
    gateway,
    guard: {
      authenticate: guard.authenticate.bind(guard),
      correlationId: guard.correlationId.bind(guard),
      refusalHeaders: (error) => refusalHeaders(error, undefined),
      credentialValid: guard.credentialValid.bind(guard),
    },
    audit,
    logger,
  });
  const address = await front.listen();
  url = `http://127.0.0.1:${address.port}/mcp`;
}

/** Creates a key from another store connection, as `warden keys create` does. */
async function issueKey(principal: string, expiresAt?: number): Promise<{ key: string; id: string }> {
  const { key, record } = await keys.create({ principal, ...(expiresAt === undefined ? {} : { expiresAt }) });
  return { key, id: record.id };
}

/** Revokes a key from another store connection, as `warden keys revoke` in another process does. */
async function revokeElsewhere(id: string): Promise<void> {
  const cli = openSqliteKeyStore(join(dir, 'warden.db'));
  await cli.revoke(id);
  await cli.close();
}

function token(expSec: number, jti: string): Promise<string> {
  return new SignJWT({ sub: 'alice', jti })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(t / 1000) - 10)
    .setExpirationTime(expSec)
    .sign(signing.privateKey);
}

function jwtAuth(): Record<string, unknown> {
  return { mode: 'jwt', jwt: { issuer: ISSUER, audience: AUDIENCE, jwksUrl, clockSkewSec: SKEW_SEC } };
}

function post(credential: string, body: unknown, sessionId?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${credential}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(sessionId === undefined ? {} : { 'mcp-session-id': sessionId }),
    },
    body: JSON.stringify(body),
  });
}

async function initialize(credential: string): Promise<string> {
  const res = await post(credential, {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '0' } },
  });
  await res.text();
  expect(res.status).toBe(200);
  return res.headers.get('mcp-session-id')!;
}

async function ping(credential: string, sessionId: string): Promise<{ status: number; body: unknown }> {
  const res = await post(credential, { jsonrpc: '2.0', id: 2, method: 'ping' }, sessionId);
  return { status: res.status, body: await res.json() };
}

/** Opens the session's GET stream and reads its opening comment. */
async function openStream(credential: string, sessionId: string): Promise<ReadableStreamDefaultReader> {
  const res = await fetch(url, {
    headers: {
      authorization: `Bearer ${credential}`,
      accept: 'text/event-stream',
      'mcp-session-id': sessionId,
    },
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  expect(new TextDecoder().decode((await reader.read()).value)).toBe(': stream open\n\n');
  return reader;
}

/** 'ended' once the server ends the stream; 'open' if it is still open a second later (real time). */
async function streamState(reader: ReadableStreamDefaultReader): Promise<'ended' | 'open'> {
  let timer: NodeJS.Timeout | undefined;
  const open = new Promise<'open'>((resolve) => (timer = setTimeout(() => resolve('open'), 1000)));
  const ended = (async (): Promise<'ended'> => {
    while (!(await reader.read()).done);
    return 'ended';
  })();
  try {
    return await Promise.race([ended, open]);
  } finally {
    clearTimeout(timer);
  }
}

/** Lets the key index poll the store and the sweep run once. */
async function pollAndSweep(): Promise<void> {
  await vi.advanceTimersByTimeAsync(DEFAULT_KEY_POLL_INTERVAL_MS + CREDENTIAL_SWEEP_INTERVAL_MS);
}

describe('HTTP sessions end with their credential', () => {
  it('closes an API-key session and its GET stream within one poll and one sweep of the key being revoked', async () => {
    await startFrontEnd({ mode: 'api-key' });
    const opener = await issueKey('alice');
    const other = await issueKey('alice');
    const session = await initialize(opener.key);
    const stream = await openStream(opener.key, session);
    await revokeElsewhere(opener.id);
    await pollAndSweep();
    expect(await streamState(stream)).toBe('ended');
    expect(gateway!.sessions.has(session)).toBe(false);
    // The same principal, with a key that still works, is told the session does not exist.
    expect(await ping(other.key, session)).toEqual({ status: 404, body: SESSION_NOT_FOUND });
    const closed = logs
      .flatMap((chunk) => chunk.split('\n').filter((line) => line !== ''))
      .map((line) => JSON.parse(line))
      .find((entry) => entry.msg === 'session closed: its credential is no longer valid');
    expect(closed).toMatchObject({ principal: 'alice', authMethod: 'api-key', credentialId: opener.id });
    expect(logs.join('')).not.toContain('wdn_');
  });

  it('closes an API-key session within one sweep of the key expiring, and not before', async () => {
    await startFrontEnd({ mode: 'api-key' });
    const opener = await issueKey('alice', t + 5000);
    const other = await issueKey('alice');
    const session = await initialize(opener.key);
    const stream = await openStream(opener.key, session);
    t += 4999;
    await pollAndSweep();
    expect(gateway!.sessions.has(session)).toBe(true);
    t += 1;
    await pollAndSweep();
    expect(await streamState(stream)).toBe('ended');
    expect(await ping(other.key, session)).toEqual({ status: 404, body: SESSION_NOT_FOUND });
  });

  it('keeps a session open when another key of the same principal is revoked', async () => {
    await startFrontEnd({ mode: 'api-key' });
    const opener = await issueKey('alice');
    const other = await issueKey('alice');
    const session = await initialize(opener.key);
    const stream = await openStream(opener.key, session);
    await revokeElsewhere(other.id);
    await pollAndSweep();
    await pollAndSweep();
    expect(await streamState(stream)).toBe('open');
    expect(await ping(opener.key, session)).toEqual({ status: 200, body: PONG });
    expect(await ping(other.key, session)).toMatchObject({ status: 401 });
  });

  it('closes API-key sessions once the key store has been unreachable past the staleness bound (fail closed)', async () => {
    await startFrontEnd({ mode: 'api-key' });
    const opener = await issueKey('alice');
    const session = await initialize(opener.key);
    const stream = await openStream(opener.key, session);
    storeDown = true;
    t += DEFAULT_KEY_MAX_STALE_MS + 1;
    await pollAndSweep();
    expect(await streamState(stream)).toBe('ended');
    expect(gateway!.sessions.has(session)).toBe(false);
    storeDown = false;
  });

  it('closes a JWT session and its GET stream within one sweep of exp plus the clock skew passing', async () => {
    await startFrontEnd(jwtAuth());
    const expSec = Math.floor(t / 1000) + 10;
    const opener = await token(expSec, 'tok-1');
    const session = await initialize(opener);
    const stream = await openStream(opener, session);
    t = (expSec + SKEW_SEC) * 1000;
    await pollAndSweep();
    expect(gateway!.sessions.has(session)).toBe(true);
    t += 1;
    await pollAndSweep();
    expect(await streamState(stream)).toBe('ended');
    const fresh = await token(expSec + 600, 'tok-2');
    expect(await ping(fresh, session)).toEqual({ status: 404, body: SESSION_NOT_FOUND });
  });

  it('keeps a JWT session open past the exp of the token that opened it once a renewed token was used on it', async () => {
    await startFrontEnd(jwtAuth());
    const expSec = Math.floor(t / 1000) + 10;
    const opener = await token(expSec, 'tok-1');
    const renewed = await token(expSec + 600, 'tok-2');
    const session = await initialize(opener);
    const stream = await openStream(opener, session);
    expect(await ping(renewed, session)).toEqual({ status: 200, body: PONG });
    t = (expSec + SKEW_SEC) * 1000 + 1;
    await pollAndSweep();
    expect(await streamState(stream)).toBe('open');
    expect(await ping(renewed, session)).toEqual({ status: 200, body: PONG });
  });
});
