import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive, runCli, startCli, waitForListening } from './helpers/cli.js';
import { MINI_SERVER } from './helpers/gateway.js';
import { StdioClient } from './helpers/stdio-client.js';

function workdir(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'warden-cli-'));
  writeFileSync(join(dir, 'warden.yaml'), JSON.stringify(config));
  return dir;
}

const mini = (name: string, prefix = true): Record<string, unknown> => ({
  command: process.execPath,
  args: [MINI_SERVER],
  env: { MINI_NAME: name },
  prefix,
});

describe('warden serve --stdio', () => {
  it('serves one client over stdio, relays to upstreams, and stops every child process when stdin closes', async () => {
    const dir = workdir({ upstreams: { m: mini('m') }, builtins: { echo: {} } });
    const child = startCli(['serve', '--stdio', '--config', join(dir, 'warden.yaml')], { cwd: dir });
    const client = new StdioClient(child);
    const init = await client.initialize();
    expect(init.result.serverInfo.name).toBe('warden');
    const list = await client.request('tools/list');
    expect(list.result.tools.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['echo', 'm__echo', 'm__spawn_child']),
    );
    const who = JSON.parse(
      (await client.request('tools/call', { name: 'm__whoami', arguments: {} })).result.content[0].text,
    );
    const grandchild = Number(
      (await client.request('tools/call', { name: 'm__spawn_child', arguments: {} })).result.content[0].text,
    );
    expect(alive(who.pid)).toBe(true);
    expect(alive(grandchild)).toBe(true);
    // Garbage on stdin gets JSON-RPC errors, never a crash.
    expect((await client.sendRaw('{not json', null)).error.code).toBe(-32700);
    expect((await client.sendRaw('{"jsonrpc":"2.0","id":9,"method":7}', 9)).error.code).toBe(-32600);
    child.stdin!.end();
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    await expect.poll(() => alive(who.pid) || alive(grandchild), { timeout: 5000 }).toBe(false);
  });
});

describe('warden serve (HTTP)', () => {
  it('drains an in-flight call on SIGTERM, then stops the upstream process group', async () => {
    const dir = workdir({
      listen: { http: '127.0.0.1:0' },
      auth: { mode: 'none' },
      policy: { default: 'allow' },
      upstreams: { m: mini('m') },
    });
    const child = startCli(['serve', '--config', join(dir, 'warden.yaml')], { cwd: dir });
    const { url } = await waitForListening(child);
    const { TestClient, textOf } = await import('./helpers/mcp-http-client.js');
    const client = new TestClient({ url });
    await client.initialize();
    const grandchild = Number(textOf(await client.call('m__spawn_child')));
    const slow = client.call('m__slow', { ms: 700 });
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGTERM');
    expect(textOf(await slow)).toBe('done');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    await expect.poll(() => alive(grandchild), { timeout: 5000 }).toBe(false);
  });

  it('stops start-up when two upstreams offer the same tool name, naming both', async () => {
    const dir = workdir({
      listen: { http: '127.0.0.1:0' },
      auth: { mode: 'none' },
      upstreams: { a: mini('a', false), b: mini('b', false) },
    });
    const run = await runCli(['serve', '--config', join(dir, 'warden.yaml')], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('tool "echo" is offered by both upstream "a" and upstream "b"');
  });

  it('refuses auth.mode none on a non-loopback listener before binding', async () => {
    const dir = workdir({ listen: { http: '0.0.0.0:0' }, auth: { mode: 'none' } });
    const run = await runCli(['serve', '--config', join(dir, 'warden.yaml')], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('auth.mode none is allowed only on a loopback listener or stdio');
  });
});

describe('warden init and config check', () => {
  it('writes a default config that checks clean, and refuses to overwrite it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-init-'));
    expect((await runCli(['init'], { cwd: dir })).code).toBe(0);
    const check = await runCli(['config', 'check'], { cwd: dir });
    expect(check.stdout).toContain('warden.yaml: ok');
    expect(check.code).toBe(0);
    const again = await runCli(['init'], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists; use --force');
  });

  it('reports every problem with its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-check-'));
    writeFileSync(join(dir, 'bad.yaml'), 'listen:\n  http: 1.2.3.4\nauth:\n  mode: nope\n');
    const check = await runCli(['config', 'check', '--config', 'bad.yaml'], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('bad.yaml:4:9 auth.mode:');
    expect(check.stdout).toContain('invalid (');
  });
});
