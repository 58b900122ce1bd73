// Each built-in tool family through the running gateway (MCP over Streamable HTTP): a small benign and hostile
// sample per family, to prove the wiring (the full corpora are unit-tested beside each family).
import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWarden, type RunningWarden } from '../../src/app/start.js';
import { configFromObject } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import { startRecordingServer, type Hit, type RecordingServer } from './http-servers.js';
import { TestClient, textOf } from './helpers/mcp-http-client.js';

/** A tools/call result as the test client returns it. */
type ToolReply = Awaited<ReturnType<TestClient['call']>>;

const SECRET = 'TOP-SECRET-OUTSIDE-ROOT';

let warden: RunningWarden;
let dir: string;
let client: TestClient;
let other: TestClient;
let web: RecordingServer;
let unlisted: RecordingServer;
const hits: Hit[] = [];
let device: Socket;
const datagrams: Buffer[] = [];
let devicePort: number;

/** A denial as the client sees it: a tool result, isError, `CODE: reason`, nothing from the host. */
function expectDenial(result: ToolReply, code: string): string {
  expect(result.isError).toBe(true);
  const text = textOf(result);
  expect(text).toMatch(new RegExp(`^${code}: \\S`));
  expect(text).not.toContain(dir);
  expect(text).not.toContain(tmpdir() + '/');
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toContain(SECRET);
  return text;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-builtins-'));
  mkdirSync(join(dir, 'work', 'sub'), { recursive: true });
  mkdirSync(join(dir, 'ro'));
  writeFileSync(join(dir, 'work', 'hello.txt'), 'hello world\n');
  writeFileSync(join(dir, 'work', 'sub', 'notes.md'), 'find the needle here\n');
  writeFileSync(join(dir, 'work', '.env'), `API_KEY=${SECRET}\n`);
  writeFileSync(join(dir, 'secret.txt'), SECRET);
  writeFileSync(join(dir, 'ro', 'frozen.txt'), 'frozen');

  hits.length = 0;
  web = await startRecordingServer('127.0.0.1', 0, hits);
  unlisted = await startRecordingServer('127.0.0.1', 0, hits);
  device = createSocket('udp4');
  device.on('message', (m) => datagrams.push(m));
  await new Promise<void>((r) => device.bind(0, '127.0.0.1', () => r()));
  devicePort = device.address().port;

  const config = configFromObject(
    {
      listen: { http: '127.0.0.1:0' },
      auth: { mode: 'none' },
      policy: { default: 'allow' },
      store: { sqlite: 'warden.db' },
      builtins: {
        echo: {},
        fs: { roots: ['work'] },
        shell: { allow: { ls: {}, find: {}, sleep: {} }, timeoutMs: 700 },
        http: { allow: [`127.0.0.1:${web.port}`], timeoutMs: 3000 },
        js: { timeoutMs: 300, workers: 2 },
        osc: { targets: [`127.0.0.1:${devicePort}`], addresses: ['/live/song/set/*'] },
      },
    },
    { baseDir: dir },
  );
  warden = await startWarden(config, { logger: silentLogger() });
  const url = `http://127.0.0.1:${warden.address!.port}/mcp`;
  client = new TestClient({ url });
  other = new TestClient({ url });
  await client.initialize();
  await other.initialize();
}, 30_000);

afterAll(async () => {
  await warden?.stop();
  await web?.close();
  await unlisted?.close();
  device?.close();
});

describe('tools/list through the gateway', () => {
  it('offers every configured family', async () => {
    const r = await client.request('tools/list', {});
    const names = (r.response!.result.tools as Array<{ name: string }>).map((t) => t.name).sort();
    expect(names).toEqual(
      [
        'echo',
        'fs_delete',
        'fs_list',
        'fs_move',
        'fs_read',
        'fs_search',
        'fs_stat',
        'fs_write',
        'http_fetch',
        'js_eval',
        'osc_send',
        'shell_run',
      ].sort(),
    );
  });
});

describe('fs family (roots relative to the config dir)', () => {
  it('reads a file under the root', async () => {
    const r = await client.call('fs_read', { path: 'hello.txt' });
    expect(r.isError).toBeFalsy();
    expect(textOf(r)).toContain('hello world');
  });

  it('writes a file that lands inside the root on disk', async () => {
    const r = await client.call('fs_write', { path: 'sub/new.txt', content: 'written by test' });
    expect(r.isError).toBeFalsy();
    expect(readFileSync(join(dir, 'work', 'sub', 'new.txt'), 'utf8')).toBe('written by test');
  });

  it('lists a directory without the denied .env', async () => {
    const r = await client.call('fs_list', { path: '.' });
    expect(r.isError).toBeFalsy();
    const text = JSON.stringify(r);
    expect(text).toContain('hello.txt');
    expect(text).toContain('sub');
    expect(text).not.toContain('.env');
  });

  it('searches by name and content, never into .env', async () => {
    const r = await client.call('fs_search', { path: '.', pattern: '*', contentRegex: 'needle|SECRET' });
    expect(r.isError).toBeFalsy();
    const text = JSON.stringify(r);
    expect(text).toContain('notes.md');
    expect(text).not.toContain('.env');
    expect(text).not.toContain(SECRET);
  });

  it('refuses ../ escape with FS_OUTSIDE_ROOT', async () => {
    expectDenial(await client.call('fs_read', { path: '../secret.txt' }), 'FS_OUTSIDE_ROOT');
    expectDenial(await client.call('fs_write', { path: '../escaped.txt', content: 'x' }), 'FS_OUTSIDE_ROOT');
    expect(existsSync(join(dir, 'escaped.txt'))).toBe(false);
  });

  it('refuses an absolute path outside the root', async () => {
    expectDenial(await client.call('fs_read', { path: join(dir, 'secret.txt') }), 'FS_OUTSIDE_ROOT');
  });

  it('denies .env with FS_DENIED', async () => {
    expectDenial(await client.call('fs_read', { path: '.env' }), 'FS_DENIED');
  });
});

describe('fs family, readOnly', () => {
  let ro: RunningWarden;
  let roClient: TestClient;
  beforeAll(async () => {
    const config = configFromObject(
      {
        listen: { http: '127.0.0.1:0' },
        auth: { mode: 'none' },
        policy: { default: 'allow' },
        store: { sqlite: 'warden-ro.db' },
        builtins: { fs: { roots: ['ro'], readOnly: true } },
      },
      { baseDir: dir },
    );
    ro = await startWarden(config, { logger: silentLogger() });
    roClient = new TestClient({ url: `http://127.0.0.1:${ro.address!.port}/mcp` });
    await roClient.initialize();
  });
  afterAll(async () => ro?.stop());

  it('reads but refuses write and delete with FS_READ_ONLY', async () => {
    expect(textOf(await roClient.call('fs_read', { path: 'frozen.txt' }))).toContain('frozen');
    expectDenial(await roClient.call('fs_write', { path: 'x.txt', content: 'x' }), 'FS_READ_ONLY');
    expectDenial(await roClient.call('fs_delete', { path: 'frozen.txt' }), 'FS_READ_ONLY');
    expect(existsSync(join(dir, 'ro', 'x.txt'))).toBe(false);
    expect(readFileSync(join(dir, 'ro', 'frozen.txt'), 'utf8')).toBe('frozen');
  });
});

describe('shell family', () => {
  it('runs ls inside the root', async () => {
    const r = await client.call('shell_run', { command: 'ls', args: [] });
    expect(r.isError).toBeFalsy();
    expect(JSON.stringify(r)).toContain('hello.txt');
  });

  it('refuses sh (not in the allowlist, so not in the tool schema) with ARGS_INVALID', async () => {
    expectDenial(await client.call('shell_run', { command: 'sh', args: ['-c', 'id'] }), 'ARGS_INVALID');
  });

  it('refuses to start with sh in the allowlist', async () => {
    const config = configFromObject(
      {
        listen: { http: '127.0.0.1:0' },
        auth: { mode: 'none' },
        store: { sqlite: 'warden-sh.db' },
        builtins: { fs: { roots: ['work'] }, shell: { allow: { sh: {} } } },
      },
      { baseDir: dir },
    );
    await expect(startWarden(config, { logger: silentLogger() })).rejects.toMatchObject({
      code: expect.stringMatching(/^(CONFIG_INVALID|SHELL_NOT_ALLOWED)$/),
    });
  });

  it('refuses find -exec with SHELL_ARG_DENIED', async () => {
    expectDenial(
      await client.call('shell_run', { command: 'find', args: ['.', '-exec', 'touch', 'pwned', ';'] }),
      'SHELL_ARG_DENIED',
    );
    expect(existsSync(join(dir, 'work', 'pwned'))).toBe(false);
  });

  it('refuses a path outside the roots', async () => {
    const r = await client.call('shell_run', { command: 'ls', args: [join(dir, 'secret.txt')] });
    expect(r.isError).toBe(true);
    expect(textOf(r)).not.toContain(SECRET);
  });

  it('kills a command that runs past the timeout with SHELL_TIMEOUT', async () => {
    const started = Date.now();
    expectDenial(await client.call('shell_run', { command: 'sleep', args: ['20'] }), 'SHELL_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('http family', () => {
  it('fetches from a loopback server listed in allow', async () => {
    const r = await client.call('http_fetch', { url: `http://127.0.0.1:${web.port}/json` });
    expect(r.isError).toBeFalsy();
    expect(JSON.stringify(r)).toContain(`"from\\":\\"127.0.0.1:${web.port}`);
  });

  it('refuses 127.0.0.1 without allow with HTTP_ADDRESS_DENIED and sends nothing', async () => {
    const before = hits.filter((h) => h.server.endsWith(`:${unlisted.port}`)).length;
    expectDenial(
      await client.call('http_fetch', { url: `http://127.0.0.1:${unlisted.port}/json` }),
      'HTTP_ADDRESS_DENIED',
    );
    expect(hits.filter((h) => h.server.endsWith(`:${unlisted.port}`)).length).toBe(before);
  });

  it('re-checks a redirect from the allowed server to an unlisted loopback port', async () => {
    const before = hits.filter((h) => h.server.endsWith(`:${unlisted.port}`)).length;
    const to = encodeURIComponent(`http://127.0.0.1:${unlisted.port}/json`);
    expectDenial(
      await client.call('http_fetch', { url: `http://127.0.0.1:${web.port}/redirect?to=${to}` }),
      'HTTP_ADDRESS_DENIED',
    );
    expect(hits.filter((h) => h.server.endsWith(`:${unlisted.port}`)).length).toBe(before);
  });

  it('refuses the file: scheme with HTTP_SCHEME_DENIED', async () => {
    expectDenial(
      await client.call('http_fetch', { url: `file://${join(dir, 'secret.txt')}` }),
      'HTTP_SCHEME_DENIED',
    );
  });
});

describe('js family', () => {
  it('returns the result of an evaluation', async () => {
    const r = await client.call('js_eval', { code: 'input.a * 6 + 0', input: { a: 7 } });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ result: 42 });
  });

  it('ends an infinite loop with JS_TIMEOUT while another client is served promptly', async () => {
    const loop = client.call('js_eval', { code: 'for (;;) {}' });
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    const echoed = await other.call('echo', { text: 'still here' });
    const echoMs = Date.now() - started;
    expect(textOf(echoed)).toBe('still here');
    expect(echoMs).toBeLessThan(200);
    expectDenial(await loop, 'JS_TIMEOUT');
  });

  it('has no host objects', async () => {
    const r = await client.call('js_eval', { code: 'typeof process + "," + typeof require' });
    expect(r.structuredContent).toMatchObject({ result: 'undefined,undefined' });
  });
});

describe('osc family', () => {
  it('delivers /live/song/set/tempo 120.0 to the UDP device', async () => {
    datagrams.length = 0;
    const r = await client.call('osc_send', {
      address: '/live/song/set/tempo',
      args: [{ type: 'f', value: 120 }],
    });
    expect(r.isError).toBeFalsy();
    for (let i = 0; i < 50 && datagrams.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
    expect(datagrams).toHaveLength(1);
    const m = datagrams[0]!;
    // "/live/song/set/tempo" is 20 bytes, padded to 24; then ",f" padded to 4; then a float32 big-endian.
    expect(m.subarray(0, 20).toString('latin1')).toBe('/live/song/set/tempo');
    expect(m.subarray(24, 26).toString('latin1')).toBe(',f');
    expect(m.length).toBe(32);
    expect(m.readFloatBE(28)).toBe(120);
  });

  it('refuses an address outside the allowlist and sends nothing', async () => {
    datagrams.length = 0;
    expectDenial(
      await client.call('osc_send', { address: '/live/song/delete_track', args: [0] }),
      'OSC_ADDRESS_DENIED',
    );
    expectDenial(
      await client.call('osc_send', { address: '/live/song/set/tempo', args: [1], target: '127.0.0.1:9' }),
      'OSC_TARGET_DENIED',
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(datagrams).toHaveLength(0);
  });
});
