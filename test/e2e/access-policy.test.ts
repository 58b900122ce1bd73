// Policy and argument validation on the request path: deny by default for HTTP principals, allow rules by
// principal and group globs, argument and annotation conditions, ask through elicitation, tools/list filtering,
// tool-name bypass attempts, and schema checks — proving from the upstream's own input that nothing refused
// was forwarded.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWarden, type RunningWarden } from '../../src/app/start.js';
import { configFromObject } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import { openSqliteKeyStore } from '../../src/store/sqlite/keys.js';
import { MINI_SERVER, miniUpstream, startTestGateway } from './helpers/gateway.js';
import { TestClient, textOf, type RpcMessage } from './helpers/mcp-http-client.js';
import { readAuditRows, type AuditRow } from './helpers/audit-rows.js';

let dir: string;
let warden: RunningWarden;
let url: string;
let upstreamInput: string;
const key: Record<string, string> = {};

function audit(): AuditRow[] {
  return readAuditRows(join(dir, 'warden.db'));
}

/** The tools/call requests the upstream actually received (its stdin is teed to a file). */
function forwardedCalls(): { name: string; arguments: unknown; _meta?: unknown }[] {
  return readFileSync(upstreamInput, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"tools/call"'))
    .map(
      (line) =>
        (JSON.parse(line) as { params: { name: string; arguments: unknown; _meta?: unknown } }).params,
    );
}

const deniedResult = (code: string, message: string): unknown => ({
  content: [{ type: 'text', text: `${code}: ${message}` }],
  isError: true,
});

async function clientFor(
  principal: string,
  options: Partial<ConstructorParameters<typeof TestClient>[0]> = {},
): Promise<TestClient> {
  const client = new TestClient({
    url,
    ...options,
    headers: { 'x-api-key': key[principal]!, ...options.headers },
  });
  await client.initialize();
  return client;
}

async function toolNames(client: TestClient): Promise<string[]> {
  const r = await client.request('tools/list', {});
  return (r.response?.result.tools as { name: string }[]).map((t) => t.name).sort();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-access-policy-'));
  upstreamInput = join(dir, 'upstream-stdin.jsonl');
  writeFileSync(upstreamInput, '');
  const keys = openSqliteKeyStore(join(dir, 'warden.db'));
  key.alice = (await keys.create({ principal: 'alice', groups: ['developers'] })).key;
  key.bob = (await keys.create({ principal: 'bob', groups: ['ops'] })).key;
  key.carol = (await keys.create({ principal: 'carol' })).key;
  await keys.close();
  const config = configFromObject(
    {
      listen: { http: '127.0.0.1:0' },
      auth: { mode: 'api-key' },
      store: { sqlite: join(dir, 'warden.db') },
      policy: {
        rules: [
          {
            name: 'no-secrets',
            tools: ['m__echo'],
            effect: 'deny',
            when: [{ pointer: '/text', prefix: 'secret' }],
          },
          { name: 'devs-read', groups: ['dev*'], tools: ['m__echo'], effect: 'allow' },
          {
            name: 'destructive-needs-human',
            principals: ['ali*'],
            tools: ['m__*'],
            effect: 'ask',
            when: [{ annotation: 'destructiveHint' }],
          },
          { name: 'alice-rest', principals: ['alice'], tools: ['m__*'], effect: 'allow' },
          { name: 'ops-add', groups: ['ops'], tools: ['m__add'], effect: 'allow' },
        ],
      },
      upstreams: {
        m: {
          // Everything Warden forwards is teed to a file before the upstream sees it.
          command: '/bin/sh',
          args: ['-c', 'tee -a "$0" | exec "$1" "$2"', upstreamInput, process.execPath, MINI_SERVER],
          env: { MINI_NAME: 'm' },
        },
      },
    },
    { baseDir: dir },
  );
  warden = await startWarden(config, { logger: silentLogger() });
  url = `http://127.0.0.1:${warden.address!.port}/mcp`;
});

afterAll(async () => {
  await warden?.stop();
});

describe('deny by default for HTTP principals', () => {
  it('with no rules, tools/list is empty and every call, read and prompt is POLICY_DENIED (audited)', async () => {
    const g = await startTestGateway({ policy: { rules: [] }, upstreams: { m: miniUpstream('m') } });
    try {
      const client = new TestClient({ url: g.url, headers: { 'x-request-id': 'no-rules' } });
      await client.initialize();
      const listed = await client.request('tools/list', {});
      expect(listed.response?.result).toEqual({ tools: [] });
      for (const name of ['m__echo', 'm__delete_all', 'm__add']) {
        expect(await client.call(name, { text: 'x', a: 1, b: 2 })).toEqual(
          deniedResult('POLICY_DENIED', 'denied by policy (default)'),
        );
      }
      const read = await client.request('resources/read', { uri: 'mini://m/readme' }, 'read');
      expect(read.response).toEqual({
        jsonrpc: '2.0',
        id: 'read',
        error: { code: -32001, message: 'POLICY_DENIED: denied by policy (default)' },
      });
      const prompt = await client.request(
        'prompts/get',
        { name: 'm__greet', arguments: { who: 'x' } },
        'prompt',
      );
      expect(prompt.response).toEqual({
        jsonrpc: '2.0',
        id: 'prompt',
        error: { code: -32001, message: 'POLICY_DENIED: denied by policy (default)' },
      });
      const db = new Database(join(g.dir, 'warden.db'), { readonly: true });
      const rows = db
        .prepare("SELECT * FROM audit_records WHERE correlation_id = 'no-rules' AND method != 'initialize'")
        .all() as AuditRow[];
      db.close();
      expect(rows.map((r) => [r.method, r.name, r.decision, r.rule, r.status, r.error_code])).toEqual([
        ['tools/call', 'm__echo', 'deny', 'default', 'denied', 'POLICY_DENIED'],
        ['tools/call', 'm__delete_all', 'deny', 'default', 'denied', 'POLICY_DENIED'],
        ['tools/call', 'm__add', 'deny', 'default', 'denied', 'POLICY_DENIED'],
        ['resources/read', 'resource:mini://m/readme', 'deny', 'default', 'denied', 'POLICY_DENIED'],
        ['prompts/get', 'prompt:m__greet', 'deny', 'default', 'denied', 'POLICY_DENIED'],
      ]);
    } finally {
      await g.stop();
    }
  });

  it('a principal no rule names sees no tools and is denied', async () => {
    const carol = await clientFor('carol');
    expect(await toolNames(carol)).toEqual([]);
    expect(await carol.call('m__echo', { text: 'hi' })).toEqual(
      deniedResult('POLICY_DENIED', 'denied by policy (default)'),
    );
  });
});

describe('allow rules, conditions and tools/list', () => {
  it('tools/list shows each principal only what it may call (or be asked about)', async () => {
    const alice = await clientFor('alice');
    const all = (await toolNames(alice)).filter((n) => n.startsWith('m__'));
    expect(all).toContain('m__echo');
    expect(all).toContain('m__delete_all');
    expect(all.length).toBeGreaterThanOrEqual(14);
    expect(await toolNames(await clientFor('bob'))).toEqual(['m__add']);
  });

  it('a group glob allows (bob in ops may add, not echo)', async () => {
    const bob = await clientFor('bob');
    expect(textOf(await bob.call('m__add', { a: 2, b: 40 }))).toBe('42');
    expect(await bob.call('m__echo', { text: 'hi' })).toEqual(
      deniedResult('POLICY_DENIED', 'denied by policy (default)'),
    );
  });

  it('an argument condition denies a call whose /text starts with "secret", and nothing is forwarded', async () => {
    const alice = await clientFor('alice', { headers: { 'x-request-id': 'arg-cond' } });
    expect(await alice.call('m__echo', { text: 'secret plans' })).toEqual(
      deniedResult('POLICY_DENIED', 'denied by policy (no-secrets)'),
    );
    expect(textOf(await alice.call('m__echo', { text: 'public plans' }))).toBe('public plans');
    const rows = audit().filter((r) => r.correlation_id === 'arg-cond' && r.method === 'tools/call');
    expect(rows.map((r) => [r.decision, r.rule, r.status, r.error_code])).toEqual([
      ['deny', 'no-secrets', 'denied', 'POLICY_DENIED'],
      ['allow', 'devs-read', 'ok', null],
    ]);
    const texts = forwardedCalls().map((c) => JSON.stringify(c.arguments));
    expect(texts.some((t) => t.includes('secret plans'))).toBe(false);
    expect(texts.some((t) => t.includes('public plans'))).toBe(true);
  });
});

describe('ask: destructive tools need a human', () => {
  it('the client is asked through elicitation/create; accepting with approve: true runs the call', async () => {
    const asked: RpcMessage[] = [];
    const alice = await clientFor('alice', {
      capabilities: { elicitation: {} },
      headers: { 'x-request-id': 'ask-yes' },
      onRequest: (m) => {
        asked.push(m);
        return { action: 'accept', content: { approve: true } };
      },
    });
    expect(textOf(await alice.call('m__delete_all'))).toBe('deleted nothing');
    expect(asked).toHaveLength(1);
    expect(asked[0]!.method).toBe('elicitation/create');
    expect(asked[0]!.params.message).toBe('Warden: allow alice to call the tool "m__delete_all"?');
    expect(asked[0]!.params.requestedSchema.required).toEqual(['approve']);
    // A read-only tool is not asked about.
    expect(textOf(await alice.call('m__echo', { text: 'no question' }))).toBe('no question');
    expect(asked).toHaveLength(1);
    expect(
      audit()
        .filter((r) => r.correlation_id === 'ask-yes' && r.method === 'tools/call')
        .map((r) => [r.name, r.decision, r.rule, r.status]),
    ).toEqual([
      ['m__delete_all', 'ask-allow', 'destructive-needs-human', 'ok'],
      ['m__echo', 'allow', 'devs-read', 'ok'],
    ]);
  });

  it('declining, or accepting without approve: true, is POLICY_ASK_DECLINED and nothing is forwarded', async () => {
    const before = forwardedCalls().filter((c) => c.name === 'delete_all').length;
    const answers = [
      { action: 'decline' },
      { action: 'cancel' },
      { action: 'accept', content: { approve: false } },
      { action: 'accept', content: { approve: 'true' } },
    ];
    for (const answer of answers) {
      const alice = await clientFor('alice', {
        capabilities: { elicitation: {} },
        headers: { 'x-request-id': 'ask-no' },
        onRequest: () => answer,
      });
      expect(await alice.call('m__delete_all'), JSON.stringify(answer)).toEqual(
        deniedResult('POLICY_ASK_DECLINED', 'the user did not approve the call'),
      );
    }
    expect(forwardedCalls().filter((c) => c.name === 'delete_all').length).toBe(before);
    const rows = audit().filter((r) => r.correlation_id === 'ask-no' && r.method === 'tools/call');
    expect(rows).toHaveLength(answers.length);
    expect(
      rows.every(
        (r) => r.decision === 'ask-deny' && r.status === 'denied' && r.error_code === 'POLICY_ASK_DECLINED',
      ),
    ).toBe(true);
  });

  it('a client without the elicitation capability is denied without being asked', async () => {
    let asked = 0;
    const alice = await clientFor('alice', {
      onRequest: () => (asked++, { action: 'accept', content: { approve: true } }),
    });
    expect(await alice.call('m__delete_all')).toEqual(
      deniedResult('POLICY_ASK_DECLINED', 'approval needed, but the client cannot ask its user'),
    );
    expect(asked).toBe(0);
  });
});

describe('tool-name bypass attempts', () => {
  it('case changes, look-alikes, separator tricks and padding are unknown tools, never forwarded', async () => {
    const bob = await clientFor('bob', { headers: { 'x-request-id': 'bypass' } });
    const before = forwardedCalls().length;
    const names = [
      'M__add',
      'm__ADD',
      'm__Add',
      'm__add ',
      ' m__add',
      'm__add\t',
      'm__add\u200b',
      'm__add\u0000',
      'm__\uff41dd', // fullwidth a
      'm__\u0430dd', // Cyrillic a
      'm___add',
      'm_add',
      'm__m__add',
      'm____add',
      'm::add',
      'm.add',
      'm/add',
      'add',
      'echo',
      'm__echo/../add',
      'M__ECHO',
      'm__delete_all ',
      'm__Delete_All',
    ];
    for (const name of names) {
      const r = await bob.request('tools/call', { name, arguments: { a: 1, b: 2, text: 'x' } }, 'b');
      expect(r.status, JSON.stringify(name)).toBe(200);
      expect(r.response, JSON.stringify(name)).toEqual({
        jsonrpc: '2.0',
        id: 'b',
        error: { code: -32602, message: `Unknown tool: ${name}` },
      });
    }
    expect(forwardedCalls().length).toBe(before);
    const rows = audit().filter((r) => r.correlation_id === 'bypass' && r.method === 'tools/call');
    expect(rows).toHaveLength(names.length);
    expect(
      rows.every((r) => r.decision === 'deny' && r.status === 'denied' && r.error_code === 'UNKNOWN_TOOL'),
    ).toBe(true);
    // The real name is still subject to policy.
    expect(await bob.call('m__echo', { text: 'x' })).toEqual(
      deniedResult('POLICY_DENIED', 'denied by policy (default)'),
    );
  });
});

describe('argument validation', () => {
  it('wrong types and missing required properties are ARGS_INVALID naming the JSON path; nothing is forwarded', async () => {
    const alice = await clientFor('alice', { headers: { 'x-request-id': 'args' } });
    const bob = await clientFor('bob', { headers: { 'x-request-id': 'args' } });
    const before = forwardedCalls().length;
    expect(await alice.call('m__echo', {})).toEqual(deniedResult('ARGS_INVALID', '/text: is required'));
    expect(await bob.call('m__add', { a: '1', b: 2 })).toEqual(
      deniedResult('ARGS_INVALID', '/a: must be number'),
    );
    expect(await bob.call('m__add', { a: 1, b: [2] })).toEqual(
      deniedResult('ARGS_INVALID', '/b: must be number'),
    );
    expect(await bob.call('m__add', { a: 1 })).toEqual(deniedResult('ARGS_INVALID', '/b: is required'));
    const nested: Record<string, unknown> = {};
    let cursor = nested;
    for (let i = 0; i < 100; i++) cursor = cursor.x = {};
    // Hostile nesting is refused by the transport's depth guard (64 levels in the whole message) before parsing.
    const deep = await alice.request(
      'tools/call',
      { name: 'm__echo', arguments: { text: 'deep', nested } },
      'deep',
    );
    expect(deep.status).toBe(400);
    expect(deep.messages).toEqual([
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'message nested too deeply' } },
    ]);
    const flat: Record<string, unknown> = {};
    cursor = flat;
    for (let i = 0; i < 58; i++) cursor = cursor.x = {};
    expect(await alice.call('m__echo', { text: 'deep', flat })).toEqual({
      content: [{ type: 'text', text: 'deep' }],
    });
    expect(
      await alice.call('m__echo', { text: 'wide', many: Array.from({ length: 100_001 }, () => 0) }),
    ).toEqual(deniedResult('ARGS_INVALID', 'arguments have too many values'));
    expect(forwardedCalls().length).toBe(before + 1);
    const rows = audit().filter((r) => r.correlation_id === 'args' && r.method === 'tools/call');
    expect(rows.filter((r) => r.status !== 'ok')).toHaveLength(5);
    expect(
      rows
        .filter((r) => r.status !== 'ok')
        .every((r) => r.decision === 'deny' && r.status === 'denied' && r.error_code === 'ARGS_INVALID'),
    ).toBe(true);
    // Valid arguments go through.
    expect(textOf(await bob.call('m__add', { a: 1, b: 2 }))).toBe('3');
  });

  it('a value an argument condition cannot judge (a number where prefix wants a string) fails closed as POLICY_ERROR', async () => {
    const alice = await clientFor('alice', { headers: { 'x-request-id': 'cond-type' } });
    const before = forwardedCalls().length;
    expect(await alice.call('m__echo', { text: 5 })).toEqual(
      deniedResult('POLICY_ERROR', 'policy evaluation failed; denied'),
    );
    expect(await alice.call('m__echo', { text: ['secret'] })).toEqual(
      deniedResult('POLICY_ERROR', 'policy evaluation failed; denied'),
    );
    expect(forwardedCalls().length).toBe(before);
    const rows = audit().filter((r) => r.correlation_id === 'cond-type' && r.method === 'tools/call');
    expect(rows.map((r) => [r.decision, r.rule, r.status, r.error_code])).toEqual([
      ['deny', 'error', 'denied', 'POLICY_ERROR'],
      ['deny', 'error', 'denied', 'POLICY_ERROR'],
    ]);
  });

  it('an argument payload larger than listen.maxBodyBytes is refused with 413 before parsing', async () => {
    const alice = await clientFor('alice', { headers: { 'x-request-id': 'huge' } });
    const before = forwardedCalls().length;
    const r = await alice.request(
      'tools/call',
      { name: 'm__echo', arguments: { text: 'x'.repeat(5 * 1024 * 1024) } },
      'huge',
    );
    expect(r.status).toBe(413);
    expect(r.headers.get('connection')).toBe('close');
    expect(r.messages).toEqual([
      {
        jsonrpc: '2.0',
        id: null,
        error: { code: -32001, message: 'BODY_TOO_LARGE: request body too large' },
      },
    ]);
    expect(forwardedCalls().length).toBe(before);
  });
});

describe('correlation reaches the upstream', () => {
  it('the X-Request-Id of a call is passed to the upstream in _meta (issue 3, item 4)', async () => {
    const alice = await clientFor('alice', { headers: { 'x-request-id': 'corr-to-upstream-42' } });
    expect(textOf(await alice.call('m__echo', { text: 'carry my id' }))).toBe('carry my id');
    const forwarded = forwardedCalls().find((c) => JSON.stringify(c.arguments).includes('carry my id'));
    expect(forwarded).toBeDefined();
    expect(JSON.stringify(forwarded!._meta ?? {})).toContain('corr-to-upstream-42');
  });
});
