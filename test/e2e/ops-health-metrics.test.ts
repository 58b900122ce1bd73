// /metrics, /healthz and /readyz of the running gateway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { miniUpstream, startTestGateway } from './helpers/gateway.js';
import { TestClient, textOf } from './helpers/mcp-http-client.js';

type Gateway = Awaited<ReturnType<typeof startTestGateway>>;

const base = (url: string): string => url.replace(/\/mcp$/, '');

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('healthy gateway', () => {
  let gw: Gateway;
  let client: TestClient;
  beforeAll(async () => {
    gw = await startTestGateway({
      builtins: { echo: {} },
      upstreams: { mini: miniUpstream('mini', { required: true }) },
    });
    client = new TestClient({ url: gw.url });
    await client.initialize();
  }, 20_000);
  afterAll(async () => gw?.stop());

  it('/healthz answers 200', async () => {
    const r = await fetch(`${base(gw.url)}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 when the required upstream is up', async () => {
    expect(await waitFor(async () => (await fetch(`${base(gw.url)}/readyz`)).status === 200, 5000)).toBe(
      true,
    );
    const r = await fetch(`${base(gw.url)}/readyz`);
    expect(await r.json()).toMatchObject({ status: 'ready' });
  });

  it('/metrics counts calls by tool with a latency histogram and upstream health', async () => {
    for (let i = 0; i < 3; i++) expect(textOf(await client.call('echo', { text: `m${i}` }))).toBe(`m${i}`);
    expect(textOf(await client.call('mini__echo', { text: 'up' }))).toBe('up');
    const r = await fetch(`${base(gw.url)}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    const body = await r.text();
    const echoCalls = body.split('\n').filter((l) => /^warden_calls_total\{[^}]*tool="echo"/.test(l));
    expect(echoCalls.length).toBeGreaterThanOrEqual(1);
    expect(echoCalls.join('\n')).toMatch(/decision="allow"/);
    expect(echoCalls.join('\n')).toMatch(/status="ok"/);
    expect(echoCalls.map((l) => Number(l.split(' ').pop())).reduce((a, b) => a + b, 0)).toBe(3);
    expect(body).toMatch(/^warden_calls_total\{[^}]*tool="mini__echo"[^}]*upstream="mini"[^}]*\} 1$/m);
    expect(body).toMatch(
      /^warden_call_duration_seconds_bucket\{[^}]*le="\+Inf"[^}]*tool="echo"[^}]*\} 3$|^warden_call_duration_seconds_bucket\{[^}]*tool="echo"[^}]*le="\+Inf"[^}]*\} 3$/m,
    );
    expect(body).toMatch(/^warden_call_duration_seconds_count\{[^}]*tool="echo"[^}]*\} 3$/m);
    expect(body).toMatch(/^warden_upstream_up\{upstream="mini"\} 1$/m);
  });

  it('unknown paths answer 404', async () => {
    expect((await fetch(`${base(gw.url)}/nope`)).status).toBe(404);
  });
});

describe('gateway with a required upstream that is down', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      builtins: { echo: {} },
      upstreams: {
        dead: { command: process.execPath, args: ['-e', 'process.exit(1)'], required: true },
      },
    });
  }, 20_000);
  afterAll(async () => gw?.stop());

  it('/healthz stays 200 while /readyz answers 503 naming the upstream', async () => {
    expect((await fetch(`${base(gw.url)}/healthz`)).status).toBe(200);
    const r = await fetch(`${base(gw.url)}/readyz`);
    expect(r.status).toBe(503);
    const body = (await r.json()) as { status: string; upstreams: unknown };
    expect(body.status).toBe('not ready');
    expect(JSON.stringify(body.upstreams)).toContain('dead');
  });

  it('/metrics shows the upstream down', async () => {
    const body = await (await fetch(`${base(gw.url)}/metrics`)).text();
    expect(body).toMatch(/^warden_upstream_up\{upstream="dead"\} 0$/m);
  });

  it('built-in tools keep working', async () => {
    const client = new TestClient({ url: gw.url });
    await client.initialize();
    expect(textOf(await client.call('echo', { text: 'ok' }))).toBe('ok');
  });
});
