// Listener IP allowlists, forwarded-header spoofing, and rate / concurrency limits through the running gateway.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { miniUpstream, startTestGateway } from './helpers/gateway.js';
import { TestClient, textOf, type PostResult } from './helpers/mcp-http-client.js';
import { readAuditRows, type AuditRow } from './helpers/audit-rows.js';
import { postRaw } from './helpers/raw-post.js';

type Gateway = Awaited<ReturnType<typeof startTestGateway>>;

let running: Gateway[] = [];

async function gatewayWith(config: Record<string, unknown>): Promise<Gateway> {
  const g = await startTestGateway({ upstreams: { m: miniUpstream('m') }, ...config });
  running.push(g);
  return g;
}

afterEach(async () => {
  await Promise.all(running.map((g) => g.stop()));
  running = [];
});

function audit(g: Gateway): AuditRow[] {
  return readAuditRows(join(g.dir, 'warden.db'));
}

const ipDenied = (message = 'client address not allowed'): unknown => ({
  jsonrpc: '2.0',
  id: null,
  error: { code: -32001, message: `IP_DENIED: ${message}` },
});

describe('listener IP allowlist (auth.ipAllow)', () => {
  it('refuses a peer outside the list with 403 IP_DENIED, and forwarded headers from an untrusted peer are ignored', async () => {
    const g = await gatewayWith({ auth: { mode: 'none', ipAllow: ['10.0.0.0/8', 'fd00::/8'] } });
    const spoofs: Record<string, string>[] = [
      {},
      { 'x-forwarded-for': '10.1.2.3' },
      { 'x-forwarded-for': '10.1.2.3, 10.9.9.9' },
      { forwarded: 'for=10.1.2.3' },
      { forwarded: 'for="[fd00::1]"' },
      { 'x-real-ip': '10.1.2.3' },
    ];
    for (const [i, headers] of spoofs.entries()) {
      const r = await postRaw(g.url, { ...headers, 'x-request-id': `ip-${i}` });
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.body).toEqual(ipDenied());
    }
    const rows = audit(g);
    expect(rows).toHaveLength(spoofs.length);
    expect(
      rows.every((r) => r.method === 'auth' && r.status === 'denied' && r.error_code === 'IP_DENIED'),
    ).toBe(true);
    expect(rows.every((r) => r.client_address === '127.0.0.1')).toBe(true);
  });

  it('admits a loopback peer named in the list (IPv4 and IPv4-mapped forms)', async () => {
    const g = await gatewayWith({ auth: { mode: 'none', ipAllow: ['127.0.0.1/32'] } });
    const client = new TestClient({ url: g.url });
    await client.initialize();
    expect(textOf(await client.call('m__echo', { text: 'in' }))).toBe('in');
    const mapped = await gatewayWith({ auth: { mode: 'none', ipAllow: ['::ffff:127.0.0.0/104'] } });
    expect((await postRaw(mapped.url, {})).status).toBe(200);
  });

  it('honours X-Forwarded-For / Forwarded only from auth.trustedProxies, walking the chain from the right', async () => {
    const g = await gatewayWith({
      auth: { mode: 'none', ipAllow: ['10.0.0.0/8'], trustedProxies: ['127.0.0.1/32'] },
    });
    const cases: [Record<string, string>, number, string?][] = [
      [{}, 403],
      [{ 'x-forwarded-for': '10.1.2.3' }, 200],
      [{ 'x-forwarded-for': '10.1.2.3:4567' }, 200],
      [{ forwarded: 'for=10.1.2.3;proto=http' }, 200],
      [{ forwarded: 'for="[::ffff:10.1.2.3]"' }, 200],
      [{ 'x-forwarded-for': '192.168.1.1' }, 403],
      // The client appends its own lie on the left; the hop added by the trusted proxy is the rightmost.
      [{ 'x-forwarded-for': '10.1.2.3, 192.168.1.1' }, 403],
      [{ 'x-forwarded-for': '192.168.1.1, 10.1.2.3' }, 200],
      [{ 'x-forwarded-for': 'not-an-ip' }, 403, 'malformed forwarded header'],
      [{ 'x-forwarded-for': '10.1.2.3, ' }, 403, 'malformed forwarded header'],
      [{ forwarded: 'by=1.2.3.4' }, 403, 'malformed forwarded header'],
      [
        { 'x-forwarded-for': Array.from({ length: 40 }, () => '10.0.0.1').join(',') },
        403,
        'malformed forwarded header',
      ],
    ];
    for (const [headers, status, message] of cases) {
      const r = await postRaw(g.url, headers);
      expect(r.status, JSON.stringify(headers)).toBe(status);
      if (status === 403) expect(r.body).toEqual(ipDenied(message));
    }
    const client = new TestClient({
      url: g.url,
      headers: { 'x-forwarded-for': '10.7.7.7', 'x-request-id': 'via-proxy' },
    });
    await client.initialize();
    await client.call('m__echo', { text: 'p' });
    expect(audit(g).find((r) => r.correlation_id === 'via-proxy' && r.method === 'tools/call')).toMatchObject(
      { client_address: '10.7.7.7' },
    );
  });
});

describe('IPv6 listener', () => {
  it('matches IPv6 CIDRs, and normalises IPv4-mapped forwarded addresses from a trusted IPv6 proxy', async () => {
    const v6 = await gatewayWith({
      listen: { http: '[::1]:0' },
      auth: { mode: 'none', ipAllow: ['::1/128'] },
    });
    const v6Url = `http://[::1]:${v6.address!.port}/mcp`;
    expect((await postRaw(v6Url, {})).status).toBe(200);
    const v4Only = await gatewayWith({
      listen: { http: '[::1]:0' },
      auth: { mode: 'none', ipAllow: ['127.0.0.1/32'] },
    });
    const v4OnlyUrl = `http://[::1]:${v4Only.address!.port}/mcp`;
    const denied = await postRaw(v4OnlyUrl, {});
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual(ipDenied());
    const proxied = await gatewayWith({
      listen: { http: '[::1]:0' },
      auth: { mode: 'none', ipAllow: ['10.0.0.0/8'], trustedProxies: ['::1/128'] },
    });
    const proxiedUrl = `http://[::1]:${proxied.address!.port}/mcp`;
    expect((await postRaw(proxiedUrl, { 'x-forwarded-for': '::ffff:10.1.2.3' })).status).toBe(200);
    expect((await postRaw(proxiedUrl, { forwarded: 'for="[::ffff:a01:203]"' })).status).toBe(200);
    expect((await postRaw(proxiedUrl, { 'x-forwarded-for': '::ffff:192.168.1.1' })).status).toBe(403);
  });
});

function expect429(
  r: PostResult,
  code: 'RATE_LIMITED' | 'CONCURRENCY_LIMITED',
): { code: number; message: string; data?: unknown } {
  expect(r.status).toBe(429);
  expect(r.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
  const error = r.response?.error ?? r.messages[0]?.error;
  expect(error?.code).toBe(-32001);
  if (!error) throw new Error(`429 without a JSON-RPC error: ${JSON.stringify(r.messages)}`);
  expect(error.data).toMatchObject({ code });
  return error;
}

describe('rate limits', () => {
  it('limits.principal: the (max+1)th call is HTTP 429 with Retry-After, RateLimit headers and a JSON-RPC error naming the retry time', async () => {
    const g = await gatewayWith({ limits: { principal: { max: 3, windowMs: 60_000 } } });
    const client = new TestClient({ url: g.url, headers: { 'x-request-id': 'rl' } });
    await client.initialize();
    for (let i = 0; i < 3; i++) expect(textOf(await client.call('m__echo', { text: `${i}` }))).toBe(`${i}`);
    const r = await client.request('tools/call', { name: 'm__echo', arguments: { text: 'over' } }, 'over');
    const error = expect429(r, 'RATE_LIMITED');
    expect(r.headers.get('retry-after')).toBe('60');
    expect(r.headers.get('ratelimit-policy')).toBe('"principal";q=3;w=60');
    expect(r.headers.get('ratelimit')).toMatch(/^"principal";r=0;t=(59|60)$/);
    expect(r.headers.get('x-request-id')).toBe('rl');
    expect(r.headers.get('mcp-session-id')).toBe(client.sessionId);
    expect(r.response?.id).toBe('over');
    expect(error.data).toMatchObject({
      code: 'RATE_LIMITED',
      scope: 'principal',
      limit: 3,
      remaining: 0,
      windowMs: 60_000,
    });
    // Exactly one "retry in N s", naming the retry time in seconds (soft: the checks after it still run).
    expect.soft(error.message).toBe('RATE_LIMITED: rate limit exceeded; retry in 60 s');
    const denied = audit(g).filter((row) => row.error_code === 'RATE_LIMITED');
    expect(denied).toMatchObject([
      { method: 'tools/call', name: 'm__echo', decision: 'deny', status: 'denied', correlation_id: 'rl' },
    ]);
  });

  it('limits.tool counts per tool: another tool is still admitted', async () => {
    const g = await gatewayWith({ limits: { tool: { max: 2, windowMs: 60_000 } } });
    const client = new TestClient({ url: g.url });
    await client.initialize();
    await client.call('m__echo', { text: 'a' });
    await client.call('m__echo', { text: 'b' });
    const r = await client.request('tools/call', { name: 'm__echo', arguments: { text: 'c' } });
    expect(expect429(r, 'RATE_LIMITED').data).toMatchObject({ scope: 'tool', limit: 2 });
    expect(r.headers.get('ratelimit-policy')).toBe('"tool";q=2;w=60');
    expect(textOf(await client.call('m__add', { a: 2, b: 3 }))).toBe('5');
  });

  it('limits.concurrency: a call beyond the in-flight limit is 429 CONCURRENCY_LIMITED; the slot frees when the call ends', async () => {
    const g = await gatewayWith({ limits: { concurrency: 1 } });
    const client = new TestClient({ url: g.url });
    await client.initialize();
    const slow = client.call('m__slow', { ms: 1200 });
    await new Promise((r) => setTimeout(r, 300));
    const r = await client.request('tools/call', { name: 'm__echo', arguments: { text: 'second' } });
    const error = expect429(r, 'CONCURRENCY_LIMITED');
    expect.soft(error.message).toMatch(/^CONCURRENCY_LIMITED: too many calls in flight(; retry in \d+ s)?$/);
    expect(error.data).toMatchObject({ scope: 'concurrency', limit: 1 });
    expect(textOf(await slow)).toBe('done');
    expect(textOf(await client.call('m__echo', { text: 'third' }))).toBe('third');
    expect(audit(g).filter((row) => row.error_code === 'CONCURRENCY_LIMITED')).toMatchObject([
      { status: 'denied', decision: 'deny' },
    ]);
  });

  it('100 simultaneous calls against max 10 admit exactly 10 through HTTP', async () => {
    const g = await gatewayWith({ limits: { principal: { max: 10, windowMs: 60_000 } } });
    const client = new TestClient({ url: g.url });
    await client.initialize();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        client.request('tools/call', { name: 'm__echo', arguments: { text: `c${i}` } }, `r${i}`),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    expect(ok).toHaveLength(10);
    expect(limited).toHaveLength(90);
    for (const r of ok) expect(r.response?.result.isError).toBeUndefined();
    for (const r of limited) expect(r.response?.error?.data).toMatchObject({ code: 'RATE_LIMITED' });
    const rows = audit(g).filter((row) => row.method === 'tools/call');
    expect(rows.filter((row) => row.status === 'ok')).toHaveLength(10);
    expect(rows.filter((row) => row.error_code === 'RATE_LIMITED')).toHaveLength(90);
  });
});

describe('limit semantics', () => {
  it('100 simultaneous slow calls against concurrency 10 admit exactly 10', async () => {
    const g = await gatewayWith({ limits: { concurrency: 10 } });
    const client = new TestClient({ url: g.url });
    await client.initialize();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        // Long enough that every request has arrived while the first ten still hold their slots.
        client.request('tools/call', { name: 'm__slow', arguments: { ms: 2500 } }, `s${i}`),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(10);
    const limited = results.filter((r) => r.status === 429);
    expect(limited).toHaveLength(90);
    for (const r of limited)
      expect(r.response?.error?.data).toMatchObject({ code: 'CONCURRENCY_LIMITED', scope: 'concurrency' });
  });

  it('limits.global names its scope in the headers and the error', async () => {
    const g = await gatewayWith({ limits: { global: { max: 1, windowMs: 30_000 } } });
    const client = new TestClient({ url: g.url });
    await client.initialize();
    await client.call('m__echo', { text: 'one' });
    const r = await client.request('tools/call', { name: 'm__add', arguments: { a: 1, b: 1 } });
    expect(expect429(r, 'RATE_LIMITED').data).toMatchObject({ scope: 'global', limit: 1, windowMs: 30_000 });
    expect(r.headers.get('ratelimit-policy')).toBe('"global";q=1;w=30');
  });

  it('the window slides: a call leaves the window windowMs after it was admitted, not at a fixed boundary', async () => {
    const windowMs = 2000;
    const g = await gatewayWith({ limits: { principal: { max: 2, windowMs } } });
    const client = new TestClient({ url: g.url });
    await client.initialize();
    const sleepUntil = (t: number): Promise<void> =>
      new Promise((resolve) => setTimeout(resolve, Math.max(0, t - Date.now())));
    const call = async (): Promise<number> =>
      (await client.request('tools/call', { name: 'm__echo', arguments: { text: 'w' } })).status;
    expect(await call()).toBe(200);
    const firstAnswered = Date.now();
    await sleepUntil(firstAnswered + windowMs / 2);
    const secondSent = Date.now();
    expect(await call()).toBe(200);
    expect(await call()).toBe(429);
    // Once the first call has left the window but the second has not, there is one slot, not two (a fixed
    // window starting at the first call would have reset both).
    await sleepUntil(firstAnswered + windowMs + 50);
    expect(await call()).toBe(200);
    expect(await call()).toBe(429);
    expect(Date.now()).toBeLessThan(secondSent + windowMs);
  });
});

describe('rate limits beyond tools/call', () => {
  it('limits.principal also counts resources/read and prompts/get (they reach upstreams too)', async () => {
    const g = await gatewayWith({ limits: { principal: { max: 2, windowMs: 60_000 } } });
    const client = new TestClient({ url: g.url });
    await client.initialize();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await client.request('resources/read', { uri: 'mini://m/readme' })).status);
    for (let i = 0; i < 3; i++)
      statuses.push(
        (await client.request('prompts/get', { name: 'm__greet', arguments: { who: 'x' } })).status,
      );
    expect(statuses).toEqual([200, 200, 429, 429, 429, 429]);
  });
});
