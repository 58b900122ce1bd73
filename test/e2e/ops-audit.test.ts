// The audit log of the running gateway: one record per routed request, its fields, and the CLI (verify, tamper
// detection, search, export) on the store the gateway wrote. Needs `npm run build` first (dist/bundle/warden.js).
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { miniUpstream, startTestGateway } from './helpers/gateway.js';
import { TestClient, textOf } from './helpers/mcp-http-client.js';
import { runCli } from './helpers/cli.js';

type Gateway = Awaited<ReturnType<typeof startTestGateway>>;
interface Row {
  seq: number;
  time: number;
  correlation_id: string;
  principal: string;
  auth_method: string;
  client_address: string | null;
  session_id: string | null;
  upstream: string | null;
  method: string;
  name: string | null;
  args_digest: string | null;
  args: string | null;
  decision: string;
  rule: string | null;
  status: string;
  error_code: string | null;
  duration_ms: number;
  request_bytes: number;
  response_bytes: number;
  prev_hash: string;
  hash: string;
}

let gw: Gateway;
let client: TestClient;
let config: string;
let rows: Row[];
let resourceUri: string;
let promptName: string;

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

beforeAll(async () => {
  gw = await startTestGateway({
    builtins: { echo: {} },
    upstreams: { mini: miniUpstream('mini') },
    policy: { default: 'allow', rules: [{ name: 'no-delete', tools: ['mini__delete_all'], effect: 'deny' }] },
  });
  config = join(gw.dir, 'warden.yaml');
  writeFileSync(config, 'store:\n  sqlite: warden.db\n');
  client = new TestClient({ url: gw.url, headers: { 'x-request-id': 'corr-audit-1' } });
  await client.initialize();

  expect(textOf(await client.call('echo', { text: 'audit me' }))).toBe('audit me');
  expect(textOf(await client.call('mini__add', { a: 2, b: 3 }))).toBe('5');
  const denied = await client.call('mini__delete_all', {});
  expect(denied.isError).toBe(true);
  expect(textOf(denied)).toMatch(/^POLICY_DENIED: /);

  const resources = await client.request('resources/list', {});
  resourceUri = resources.response!.result.resources[0].uri;
  const read = await client.request('resources/read', { uri: resourceUri });
  expect(read.response!.result.contents[0].text).toContain('content of');

  const prompts = await client.request('prompts/list', {});
  promptName = prompts.response!.result.prompts[0].name;
  const prompt = await client.request('prompts/get', { name: promptName, arguments: { who: 'ada' } });
  expect(prompt.response!.result).toBeDefined();

  await gw.stop();
  const db = new Database(join(gw.dir, 'warden.db'), { readonly: true });
  rows = db.prepare('SELECT * FROM audit_records ORDER BY seq').all() as Row[];
  db.close();
}, 30_000);

afterAll(async () => gw?.stop());

describe('audit records of routed requests', () => {
  it('writes exactly one record per tool call, resource read and prompt get', () => {
    const summary = rows.map((r) => `${r.method} ${r.name}`);
    expect(summary.filter((s) => s === 'tools/call echo')).toHaveLength(1);
    expect(summary.filter((s) => s === 'tools/call mini__add')).toHaveLength(1);
    expect(summary.filter((s) => s === 'tools/call mini__delete_all')).toHaveLength(1);
    expect(summary.filter((s) => s === `resources/read resource:${resourceUri}`)).toHaveLength(1);
    expect(summary.filter((s) => s === `prompts/get prompt:${promptName}`)).toHaveLength(1);
  });

  it('fills every field of a built-in tool call', () => {
    const r = rows.find((x) => x.name === 'echo')!;
    expect(r).toMatchObject({
      correlation_id: 'corr-audit-1',
      principal: expect.any(String),
      auth_method: 'none',
      client_address: expect.stringMatching(/127\.0\.0\.1/),
      session_id: client.sessionId,
      method: 'tools/call',
      name: 'echo',
      decision: 'allow',
      status: 'ok',
      error_code: null,
      args: '{"text":"audit me"}',
      args_digest: sha256('{"text":"audit me"}'),
    });
    expect(r.principal.length).toBeGreaterThan(0);
    expect(r.duration_ms).toBeGreaterThanOrEqual(0);
    expect(r.request_bytes).toBeGreaterThan(0);
    expect(r.response_bytes).toBeGreaterThan(0);
    expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Math.abs(r.time - Date.now())).toBeLessThan(60_000);
  });

  it('names the upstream of upstream calls, resource reads and prompt gets', () => {
    // Resource reads and prompt gets are named as the policy sees them: resource:<uri>, prompt:<name>.
    for (const name of ['mini__add', `resource:${resourceUri}`, `prompt:${promptName}`]) {
      const r = rows.find((x) => x.name === name)!;
      expect(r, name).toBeDefined();
      expect(r.upstream, name).toBe('mini');
      expect(r.status, name).toBe('ok');
      expect(r.correlation_id, name).toBe('corr-audit-1');
      expect(r.request_bytes, name).toBeGreaterThan(0);
    }
  });

  it('records the response size of upstream calls, resource reads and prompt gets', () => {
    const sizes = Object.fromEntries(
      ['mini__add', `resource:${resourceUri}`, `prompt:${promptName}`].map((name) => [
        name,
        (rows.find((x) => x.name === name)?.response_bytes ?? 0) > 0,
      ]),
    );
    expect(sizes).toEqual({
      mini__add: true,
      [`resource:${resourceUri}`]: true,
      [`prompt:${promptName}`]: true,
    });
  });

  it('records the policy denial with its rule', () => {
    expect(rows.find((x) => x.name === 'mini__delete_all')).toMatchObject({
      decision: 'deny',
      rule: 'no-delete',
      status: 'denied',
      error_code: 'POLICY_DENIED',
    });
  });

  it('chains each record to the one before', () => {
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
  });
});

describe('warden audit CLI on the gateway store', () => {
  it('search --tool echo --json finds the one echo call', async () => {
    const r = await runCli(['audit', 'search', '--config', config, '--tool', 'echo', '--json']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      name: 'echo',
      correlationId: 'corr-audit-1',
      status: 'ok',
    });
  });

  it('export --format csv writes a header and one line per record', async () => {
    const r = await runCli(['audit', 'export', '--config', config, '--format', 'csv']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^seq,time,correlationId,principal,/);
    expect(lines).toHaveLength(rows.length + 1);
  });

  it('verify exits 0 on the untouched store', async () => {
    const r = await runCli(['audit', 'verify', '--config', config]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^ok: ${rows.length} records`));
  });

  it('verify exits 1 naming the seq of a tampered row', async () => {
    const victim = rows.find((x) => x.name === 'mini__delete_all')!;
    const db = new Database(join(gw.dir, 'warden.db'));
    db.prepare("UPDATE audit_records SET decision = 'allow', status = 'ok' WHERE seq = ?").run(victim.seq);
    db.close();
    const r = await runCli(['audit', 'verify', '--config', config]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAILED at record ${victim.seq}`);
  });
});
