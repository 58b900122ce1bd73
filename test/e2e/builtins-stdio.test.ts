// Every built-in family through the built CLI over stdio (`warden serve --stdio`), one call each.
// Needs `npm run build` first (dist/bundle/warden.js).
import type { ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingServer, type Hit, type RecordingServer } from './http-servers.js';
import { alive, runCli, startCli } from './helpers/cli.js';
import { StdioClient } from './helpers/stdio-client.js';

let dir: string;
let child: ChildProcess;
let client: StdioClient;
let web: RecordingServer;
let device: Socket;
const datagrams: Buffer[] = [];
let stderr = '';

type Reply = Awaited<ReturnType<StdioClient['request']>>;
const text = (r: Reply): string =>
  (r.result?.content ?? []).map((c: { text?: string }) => c.text ?? '').join('');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-stdio-builtins-'));
  mkdirSync(join(dir, 'work'));
  writeFileSync(join(dir, 'work', 'hello.txt'), 'hello over stdio\n');
  web = await startRecordingServer('127.0.0.1', 0, [] as Hit[]);
  device = createSocket('udp4');
  device.on('message', (m) => datagrams.push(m));
  await new Promise<void>((r) => device.bind(0, '127.0.0.1', () => r()));
  const config = join(dir, 'warden.yaml');
  writeFileSync(
    config,
    [
      'store:',
      '  sqlite: warden.db',
      'logging:',
      '  level: warn',
      'builtins:',
      '  echo: {}',
      '  fs:',
      '    roots: [work]',
      '  shell:',
      '    allow:',
      '      ls: {}',
      '  http:',
      `    allow: ["127.0.0.1:${web.port}"]`,
      '  js: {}',
      '  osc:',
      `    targets: ["127.0.0.1:${device.address().port}"]`,
      '',
    ].join('\n'),
  );
  child = startCli(['serve', '--stdio', '--config', config], { cwd: dir });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  client = new StdioClient(child);
  const init = await client.initialize();
  expect(init.result?.serverInfo).toBeDefined();
}, 30_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  await web?.close();
  device?.close();
});

describe('warden serve --stdio with every built-in family', () => {
  it('lists all families', async () => {
    const r = await client.request('tools/list', {});
    const names = (r.result.tools as Array<{ name: string }>).map((t) => t.name);
    for (const n of ['echo', 'fs_read', 'shell_run', 'http_fetch', 'js_eval', 'osc_send'])
      expect(names).toContain(n);
  });

  it('answers one call of each family', async () => {
    const call = (name: string, args: Record<string, unknown>) =>
      client.request('tools/call', { name, arguments: args });
    const [echo, fs, shell, http, js, osc, denied] = await Promise.all([
      call('echo', { text: 'hi' }),
      call('fs_read', { path: 'hello.txt' }),
      call('shell_run', { command: 'ls', args: [] }),
      call('http_fetch', { url: `http://127.0.0.1:${web.port}/json` }),
      call('js_eval', { code: '[1,2,3].map((x) => x * 2)' }),
      call('osc_send', { address: '/live/song/set/tempo', args: [{ type: 'f', value: 120 }] }),
      call('fs_read', { path: '../warden.yaml' }),
    ]);
    expect(text(echo)).toBe('hi');
    expect(text(fs)).toContain('hello over stdio');
    expect(JSON.stringify(shell.result)).toContain('hello.txt');
    expect(shell.result.isError).toBeFalsy();
    expect(http.result.isError).toBeFalsy();
    expect(JSON.stringify(http.result)).toContain('from');
    expect(js.result.structuredContent).toMatchObject({ result: [2, 4, 6] });
    expect(osc.result.isError).toBeFalsy();
    for (let i = 0; i < 50 && datagrams.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
    expect(datagrams).toHaveLength(1);
    expect(denied.result.isError).toBe(true);
    expect(text(denied)).toMatch(/^FS_OUTSIDE_ROOT: /);
    expect(text(denied)).not.toContain(dir);
  });

  it('exits 0 when stdin closes, leaving no process behind', async () => {
    const pid = child.pid!;
    child.stdin!.end();
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(alive(pid)).toBe(false);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('audited every call with the stdio principal, and the chain verifies', async () => {
    const config = join(dir, 'warden.yaml');
    const search = await runCli(['audit', 'search', '--config', config, '--json']);
    expect({ code: search.code, stderr: search.stderr }).toEqual({ code: 0, stderr: '' });
    const records = search.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; authMethod: string; status: string; decision: string });
    expect(records.map((r) => r.name).sort()).toEqual(
      ['echo', 'fs_read', 'fs_read', 'http_fetch', 'js_eval', 'osc_send', 'shell_run'].sort(),
    );
    expect(new Set(records.map((r) => r.authMethod))).toEqual(new Set(['stdio']));
    expect(records.filter((r) => r.status !== 'ok').map((r) => [r.name, r.status])).toEqual([
      ['fs_read', 'denied'],
    ]);
    const verify = await runCli(['audit', 'verify', '--config', config]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^ok: 7 records/);
  });
});
