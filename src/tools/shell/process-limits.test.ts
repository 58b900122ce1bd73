import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShellConfig } from '../../config/builtins.js';
import type { BuiltinTool, ToolFamily } from '../types.js';
import { chooseSandbox } from './choose-sandbox.js';
import { createShellTools } from './create-shell-tools.js';

const bwrap = await chooseSandbox('auto');
if (bwrap === undefined && process.env.CI === 'true') throw new Error('CI=true but bubblewrap is not usable');
if (bwrap === undefined)
  process.stderr.write('process limits: bubblewrap unusable here; the bwrap variant is skipped\n');

const ctx = () => ({ signal: new AbortController().signal, requestId: 'r' });

/** Live (non-zombie) processes whose command line contains `needle`; zombies have an empty cmdline. */
function liveProcessesWith(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) found.push(Number(entry));
    } catch (error: unknown) {
      void error; // the process exited while we looked
    }
  }
  return found;
}

async function waitUntil(check: () => boolean, limitMs: number): Promise<boolean> {
  for (let waited = 0; waited < limitMs; waited += 50) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

describe.each([
  { mode: 'none' as const, skip: false },
  { mode: 'bwrap' as const, skip: bwrap === undefined },
])('shell_run process limits (sandbox $mode)', ({ mode, skip }) => {
  let base: string;
  let root: string;
  let tool: BuiltinTool;
  let family: ToolFamily;
  const sleepTag = `4${String(process.pid).slice(-3)}.${mode === 'none' ? 1 : 2}37`;
  const saved = { ...process.env };

  beforeAll(async () => {
    if (skip) return;
    base = mkdtempSync(join(tmpdir(), 'warden-shell-limits-'));
    root = join(base, 'root');
    mkdirSync(join(base, 'bin'));
    mkdirSync(root);
    const stubborn = join(base, 'bin', 'stubborn.sh');
    // Ignores SIGTERM and leaves a grandchild that ignores it too (SIG_IGN survives exec).
    writeFileSync(stubborn, `#!/bin/sh\ntrap '' TERM\nsleep ${sleepTag} &\nsleep ${sleepTag}\n`);
    chmodSync(stubborn, 0o755);
    const noisy = join(base, 'bin', 'noisy.sh');
    writeFileSync(
      noisy,
      '#!/bin/sh\nhead -c 5000 /dev/zero | tr "\\0" o\nhead -c 3000 /dev/zero | tr "\\0" e >&2\n',
    );
    chmodSync(noisy, 0o755);
    writeFileSync(join(root, 'big.txt'), 'x'.repeat(10_000));
    process.env.WARDEN_SECRET = 'warden-secret-value';
    process.env.LD_PRELOAD = '/nonexistent/warden-test.so';
    process.env.NODE_OPTIONS = '--require=/nonexistent/warden-test.cjs';
    process.env.GIT_DIR = '/etc';
    const config: ShellConfig = {
      allow: { cat: {}, printenv: {}, sleep: {}, stubborn: { path: stubborn }, noisy: { path: noisy } },
      timeoutMs: 1500,
      maxOutputBytes: 1000,
      env: { TZ: 'UTC' },
      sandbox: mode,
    };
    family = await createShellTools(config, { baseDir: base, fsRoots: ['root'] });
    tool = family.tools[0]!;
  });

  afterAll(async () => {
    if (!skip) await family.close?.();
    for (const key of ['WARDEN_SECRET', 'LD_PRELOAD', 'NODE_OPTIONS', 'GIT_DIR']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    if (!skip) rmSync(base, { recursive: true, force: true });
  });

  it.skipIf(skip)('kills a child that ignores SIGTERM and its grandchild on timeout', async () => {
    const started = Date.now();
    await expect(tool.call({ command: 'stubborn', args: [], timeoutMs: 300 }, ctx())).rejects.toMatchObject({
      code: 'SHELL_TIMEOUT',
    });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await waitUntil(() => liveProcessesWith(`sleep\0${sleepTag}`).length === 0, 2000)).toBe(true);
  });

  it.skipIf(skip)('caps stdout and stderr separately and flags truncation', async () => {
    const result = await tool.call({ command: 'noisy', args: [] }, ctx());
    expect(result.structuredContent).toMatchObject({
      exitCode: 0,
      signal: null,
      stdout: 'o'.repeat(1000),
      stderr: 'e'.repeat(1000),
      stdoutTruncated: true,
      stderrTruncated: true,
    });
  });

  it.skipIf(skip)('does not flag output under the cap', async () => {
    const result = await tool.call({ command: 'cat', args: [], stdin: 'short' }, ctx());
    expect(result.structuredContent).toMatchObject({
      stdout: 'short',
      stdoutTruncated: false,
      stderrTruncated: false,
    });
  });

  it.skipIf(skip)('gives the child only the allowlisted environment', async () => {
    const result = await tool.call({ command: 'printenv', args: [] }, ctx());
    const out = result.structuredContent as { stdout: string };
    const names = out.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.split('=')[0]);
    expect(names.sort()).toEqual(
      [
        'GIT_CEILING_DIRECTORIES',
        'GIT_CONFIG_GLOBAL',
        'GIT_CONFIG_NOSYSTEM',
        'GIT_OPTIONAL_LOCKS',
        'GIT_PAGER',
        'GIT_TERMINAL_PROMPT',
        'HOME',
        'LANG',
        'PAGER',
        'PATH',
        'PWD',
        'TERM',
        'TZ',
      ].sort(),
    );
    expect(out.stdout).toContain('PATH=/usr/local/bin:/usr/bin:/bin\n');
    expect(out.stdout).not.toContain('warden-secret-value');
    expect(out.stdout).not.toContain('nonexistent');
  });

  it.skipIf(skip)('stops the command group when the call is cancelled', async () => {
    const controller = new AbortController();
    const pending = tool.call(
      { command: 'sleep', args: ['30'] },
      { signal: controller.signal, requestId: 'r' },
    );
    setTimeout(() => controller.abort(), 200);
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it.skipIf(skip)('never lets the caller raise the configured timeout', async () => {
    const started = Date.now();
    await expect(
      tool.call({ command: 'sleep', args: ['30'], timeoutMs: 600_000 }, ctx()),
    ).rejects.toMatchObject({
      code: 'SHELL_TIMEOUT',
    });
    expect(Date.now() - started).toBeLessThan(4000);
  });
});

describe('shell configuration', () => {
  let base: string;
  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'warden-shell-config-'));
    mkdirSync(join(base, 'root'));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const make = (over: Partial<ShellConfig>) =>
    createShellTools(
      { allow: {}, timeoutMs: 1000, maxOutputBytes: 1000, env: {}, sandbox: 'none', ...over },
      { baseDir: base, fsRoots: ['root'] },
    );

  it.each(['bash', 'python3', 'python3.11', 'awk', 'env', 'xargs', 'node', 'less', 'gawk-5'])(
    'refuses to allow %s',
    async (name) => {
      await expect(make({ allow: { [name]: {} } })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    },
  );

  it('refuses an innocent name whose binary is an interpreter', async () => {
    await expect(make({ allow: { lister: { path: '/bin/sh' } } })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
  });

  it.each(['LD_PRELOAD', 'GIT_SSH_COMMAND', 'BASH_ENV', 'NODE_OPTIONS', 'PATH', 'WARDEN_SECRET', 'bad-name'])(
    'refuses env %s',
    async (name) => {
      await expect(make({ env: { [name]: 'x' } })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    },
  );

  it('refuses a cwd outside the roots and missing roots', async () => {
    await expect(make({ cwd: '/' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(make({ roots: ['missing'] })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('reports a program that is not installed as not allowed', async () => {
    const family = await make({ allow: { 'warden-no-such-program': {} } });
    await expect(
      family.tools[0]!.call({ command: 'warden-no-such-program', args: [] }, ctx()),
    ).rejects.toMatchObject({
      code: 'SHELL_NOT_ALLOWED',
      message: 'program is not installed',
    });
    await family.close?.();
  });

  it('lists allowlisted programs in the input schema', async () => {
    const family = await make({ allow: { ls: {}, cat: {} } });
    expect(family.tools[0]!.definition).toMatchObject({
      name: 'shell_run',
      inputSchema: {
        properties: { command: { type: 'string', enum: ['ls', 'cat'] } },
        required: ['command'],
        additionalProperties: false,
      },
    });
    await family.close?.();
  });
});
