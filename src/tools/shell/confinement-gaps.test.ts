import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShellConfig } from '../../config/builtins.js';
import type { ErrorCode } from '../../errors/index.js';
import type { BuiltinTool, ToolFamily } from '../types.js';
import { checkArgv } from './check-argv.js';
import { createShellTools } from './create-shell-tools.js';
import { DEFAULT_SHELL_ALLOW } from './default-allow.js';

// Attacks that change the directory names are read in, read names from stdin, or use hostile repository config.
const SECRET = 'TOPSECRET-c41d07';
let base: string;
let root: string;
let marker: string;
let tool: BuiltinTool;
let family: ToolFamily;
const ctx = () => ({ signal: new AbortController().signal, requestId: 'r' });

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'warden-shell-gaps-'));
  root = join(base, 'root');
  mkdirSync(join(root, 'sub', 'deep'), { recursive: true });
  mkdirSync(join(base, 'outside'));
  marker = join(base, 'pwned');
  writeFileSync(join(base, 'outside', 'secret.txt'), `${SECRET}\n`);
  writeFileSync(join(root, 'a.txt'), 'hello\nworld\n');
  symlinkSync(join(base, 'outside'), join(root, 'outside-link'));
  // A hostile repository: its own config names helpers that git would run on read-only commands.
  const helper = join(base, 'helper.sh');
  writeFileSync(helper, `#!/bin/sh\ntouch ${marker}\ncat\n`);
  chmodSync(helper, 0o755);
  const git = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: root,
      env: { PATH: '/usr/bin:/bin', HOME: base, GIT_CONFIG_NOSYSTEM: '1' },
      encoding: 'utf8',
    });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(root, '.gitattributes'), 'a.txt diff=conv\n');
  git('add', 'a.txt', '.gitattributes');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', 'first');
  const tree = git('rev-parse', 'HEAD^{tree}').trim();
  const signed =
    `tree ${tree}\nparent ${git('rev-parse', 'HEAD').trim()}\nauthor t <t@x> 0 +0000\ncommitter t <t@x> 0 +0000\n` +
    'gpgsig -----BEGIN PGP SIGNATURE-----\n \n AAAA\n -----END PGP SIGNATURE-----\n\nsigned\n';
  const commit = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], {
    cwd: root,
    input: signed,
    encoding: 'utf8',
  }).trim();
  git('update-ref', 'refs/heads/main', commit);
  git('config', 'diff.conv.textconv', helper);
  git('config', 'gpg.program', helper);
  git('config', 'log.showSignature', 'true');
  const config: ShellConfig = {
    allow: { ...DEFAULT_SHELL_ALLOW, tar: {} },
    timeoutMs: 5000,
    maxOutputBytes: 65536,
    env: {},
    sandbox: 'none',
  };
  family = await createShellTools(config, { baseDir: base, fsRoots: ['root'] });
  tool = family.tools[0]!;
});

afterAll(async () => {
  await family.close?.();
  rmSync(base, { recursive: true, force: true });
});

interface Gap {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  stdin?: string;
  code: ErrorCode;
}

const ARG: ErrorCode = 'SHELL_ARG_DENIED';
const PATH: ErrorCode = 'SHELL_PATH_DENIED';
const g = (name: string, command: string, args: string[], code: ErrorCode, more: Partial<Gap> = {}): Gap => ({
  name,
  command,
  args,
  code,
  ...more,
});

const GAPS: Gap[] = [
  // A directory change makes a name that is inside when read from cwd point outside.
  g(
    'git -C .. then diff --no-index ../outside',
    'git',
    ['-C', '..', 'diff', '--no-index', '../outside/secret.txt', 'a.txt'],
    PATH,
    { cwd: 'sub' },
  ),
  g(
    'git -C .. -C .. composes',
    'git',
    ['-C', '..', '-C', '..', 'diff', '--no-index', '../outside/secret.txt', 'a.txt'],
    PATH,
    { cwd: 'sub/deep' },
  ),
  g(
    'tar -C .. then a name through a link',
    'tar',
    ['-c', '-f', '-', '-C', '..', 'outside-link/secret.txt'],
    PATH,
    { cwd: 'sub' },
  ),
  g('tar --dir=.. abbreviation', 'tar', ['-c', '-f', '-', '--dir=..', 'outside-link/secret.txt'], PATH, {
    cwd: 'sub',
  }),
  g(
    'tar --directory separate value',
    'tar',
    ['-c', '-f', '-', '--directory', '..', 'outside-link/secret.txt'],
    PATH,
    { cwd: 'sub' },
  ),
  g('tar -C glued', 'tar', ['-c', '-f', '-', '-C..', 'outside-link/secret.txt'], ARG, { cwd: 'sub' }),
  g('tar -C in a cluster', 'tar', ['-cfC', '-', '..', 'outside-link/secret.txt'], ARG, { cwd: 'sub' }),
  g('tar two -C', 'tar', ['-c', '-f', '-', '-C', 'deep', '-C', '../..', 'outside-link/secret.txt'], ARG, {
    cwd: 'sub',
  }),
  // Names read from stdin never reach the path check.
  g('tar -T - names from stdin', 'tar', ['-c', '-f', '-', '-T', '-'], ARG, { stdin: 'OUTSIDE\n' }),
  g('tar --files-from=-', 'tar', ['-c', '-f', '-', '--files-from=-'], ARG, { stdin: 'OUTSIDE\n' }),
  g('tar --files abbreviation', 'tar', ['-c', '-f', '-', '--files', '-'], ARG, { stdin: 'OUTSIDE\n' }),
  g('tar -T in a cluster', 'tar', ['-cvT', '-', '-f', '-'], ARG, { stdin: 'OUTSIDE\n' }),
  g('sort --files0-from=-', 'sort', ['--files0-from=-'], ARG, { stdin: 'OUTSIDE\0' }),
  g('sort --files0 - abbreviation', 'sort', ['--files0', '-'], ARG, { stdin: 'OUTSIDE\0' }),
  g('wc --files0-from=-', 'wc', ['--files0-from=-'], ARG, { stdin: 'OUTSIDE\0' }),
  g('du --files0-from=-', 'du', ['--files0-from', '-'], ARG, { stdin: 'OUTSIDE\0' }),
  g('file -f -', 'file', ['-f', '-'], ARG, { stdin: 'OUTSIDE\n' }),
  g('file --files-from=-', 'file', ['--files-from=-'], ARG, { stdin: 'OUTSIDE\n' }),
  // Member renaming onto a link extracts outside the roots.
  g('tar --transform onto a link', 'tar', ['-xf', 'x.tar', '--transform=s,^,outside-link/,'], ARG),
  g('tar --xform', 'tar', ['-cf', 'x.tar', '--xform', 's,^,outside-link/,', 'a.txt'], ARG),
  g('tar --tr abbreviation', 'tar', ['-cf', 'x.tar', '--tr=s,^,outside-link/,', 'a.txt'], ARG),
  g('find -samefile outside', 'find', ['.', '-samefile', 'OUTSIDE'], PATH),
];

describe('shell_run confinement gaps', () => {
  it.each(GAPS)('refuses: $name', async (gap) => {
    const outside = join(base, 'outside', 'secret.txt');
    const call = {
      command: gap.command,
      args: gap.args.map((a) => a.replace('OUTSIDE', outside)),
      ...(gap.cwd === undefined ? {} : { cwd: gap.cwd }),
      ...(gap.stdin === undefined ? {} : { stdin: gap.stdin.replace('OUTSIDE', outside) }),
    };
    await expect(tool.call(call, ctx())).rejects.toMatchObject({ code: gap.code });
    expect(existsSync(join(base, 'outside', 'a.txt'))).toBe(false);
  });

  it.each([
    ['blame (textconv is on by default)', ['blame', 'a.txt']],
    ['log (signature verification)', ['log', '-1', '--format=%s']],
    ['show --show-signature', ['show', '--show-signature', '--format=%s', '--stat']],
  ])('runs no helper named by the repository config: git %s', async (_name, args) => {
    const result = await tool.call({ command: 'git', args }, ctx());
    expect(existsSync(marker)).toBe(false);
    expect(result.structuredContent).toMatchObject({ exitCode: 0 });
  });

  it.each([
    ['tar -C inside', 'tar', ['-xf', 'x.tar', '-C', 'deep'], 'sub', ''],
    ['tar --file= long form', 'tar', ['--file=x.tar', '-t'], 'sub', 'a.txt\n'],
    [
      'git -C inside',
      'git',
      ['-C', 'sub', 'log', '--format=%s', '-1', '--', '../a.txt'],
      undefined,
      'first\n',
    ],
    ['sort --files0-from a list inside', 'sort', ['--files0-from=list0'], 'sub', 'hello\nworld\n'],
  ])('still runs %s', async (_name, command, args, cwd, stdout) => {
    writeFileSync(join(root, 'sub', 'list0'), '../a.txt\0');
    execFileSync('tar', ['-cf', join(root, 'sub', 'x.tar'), '-C', root, 'a.txt']);
    const result = await tool.call({ command, args, ...(cwd === undefined ? {} : { cwd }) }, ctx());
    expect(result.structuredContent).toMatchObject({ exitCode: 0, stdout });
  });

  it.each([
    ['ssh', ['-f', 'host', 'sleep', '100']],
    ['ssh', ['-Nf', 'host']],
    ['sftp', ['-b', '-', 'host']],
    ['sftp', ['-b/dev/stdin', 'host']],
  ])('refuses %s %j', (program, args) => {
    expect(() => checkArgv(program, {}, args)).toThrow(expect.objectContaining({ code: ARG }));
  });

  it.each(['vimdiff', 'rvim', 'vim.basic', 'vim.tiny'])('refuses to allow %s', async (name) => {
    const make = createShellTools(
      { allow: { [name]: {} }, timeoutMs: 1000, maxOutputBytes: 1000, env: {}, sandbox: 'none' },
      { baseDir: base, fsRoots: ['root'] },
    );
    await expect(make).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
