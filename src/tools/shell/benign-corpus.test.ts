import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShellConfig } from '../../config/builtins.js';
import type { BuiltinTool, ToolFamily } from '../types.js';
import { chooseSandbox } from './choose-sandbox.js';
import { createShellTools } from './create-shell-tools.js';
import { DEFAULT_SHELL_ALLOW } from './default-allow.js';

const bwrap = await chooseSandbox('auto');
if (bwrap === undefined && process.env.CI === 'true') throw new Error('CI=true but bubblewrap is not usable');
if (bwrap === undefined)
  process.stderr.write('benign corpus: bubblewrap unusable here; the bwrap variant is skipped\n');

interface Benign {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  stdin?: string;
  stdout: string | RegExp;
  exitCode?: number;
}

const CORPUS: Benign[] = [
  { name: 'ls one column', command: 'ls', args: ['-1'], stdout: 'a.txt\nb.txt\nsub\n' },
  { name: 'ls glued cluster', command: 'ls', args: ['-1A', '--sort=none', 'sub'], stdout: 'c.txt\n' },
  { name: 'ls abbreviated long option', command: 'ls', args: ['--almost', '-1', 'sub'], stdout: 'c.txt\n' },
  { name: 'cat a file', command: 'cat', args: ['a.txt'], stdout: 'hello\nworld\n' },
  { name: 'cat -n', command: 'cat', args: ['-n', 'a.txt'], stdout: '     1\thello\n     2\tworld\n' },
  { name: 'cat stdin', command: 'cat', args: [], stdin: 'from stdin', stdout: 'from stdin' },
  { name: 'head -n 1', command: 'head', args: ['-n', '1', 'a.txt'], stdout: 'hello\n' },
  { name: 'head -1', command: 'head', args: ['-1', 'a.txt'], stdout: 'hello\n' },
  { name: 'tail --lines=1', command: 'tail', args: ['--lines=1', 'a.txt'], stdout: 'world\n' },
  { name: 'wc -l', command: 'wc', args: ['-l', 'a.txt'], stdout: '2 a.txt\n' },
  { name: 'grep -rn', command: 'grep', args: ['-rn', 'world', '.'], stdout: './a.txt:2:world\n' },
  { name: 'grep pattern with a slash', command: 'grep', args: ['-c', '/api/', 'sub/c.txt'], stdout: '1\n' },
  { name: 'grep -e and --', command: 'grep', args: ['-e', 'hel', 'a.txt'], stdout: 'hello\n' },
  { name: 'grep no match', command: 'grep', args: ['zzz', 'a.txt'], stdout: '', exitCode: 1 },
  {
    name: 'find by name',
    command: 'find',
    args: ['.', '-name', '*.txt', '-type', 'f', '-newer', 'a.txt', '-o', '-name', 'a.txt'],
    stdout: /\.\/a\.txt/,
  },
  {
    name: 'find with -maxdepth and -printf',
    command: 'find',
    args: ['sub', '-maxdepth', '1', '-type', 'f', '-printf', '%f\n'],
    stdout: 'c.txt\n',
  },
  {
    name: 'sort -r',
    command: 'sort',
    args: ['-r', 'a.txt', 'b.txt'],
    stdout: 'world\nthere\nhello\nhello\n',
  },
  { name: 'sort -u stdin', command: 'sort', args: ['-u'], stdin: 'b\na\nb\n', stdout: 'a\nb\n' },
  {
    name: 'sort -t -k',
    command: 'sort',
    args: ['-t', ':', '-k2'],
    stdin: 'x:2\ny:1\n',
    stdout: 'y:1\nx:2\n',
  },
  { name: 'uniq -c', command: 'uniq', args: ['-c'], stdin: 'a\na\nb\n', stdout: '      2 a\n      1 b\n' },
  { name: 'cut -d -f', command: 'cut', args: ['-d:', '-f1'], stdin: 'root:x:0\n', stdout: 'root\n' },
  { name: 'tr a-z A-Z', command: 'tr', args: ['a-z', 'A-Z'], stdin: 'shout', stdout: 'SHOUT' },
  { name: 'tr with a slash set', command: 'tr', args: ['/', '_'], stdin: 'a/b', stdout: 'a_b' },
  {
    name: 'diff -u',
    command: 'diff',
    args: ['-u', '--label', 'a', '--label', 'b', 'a.txt', 'b.txt'],
    stdout: '--- a\n+++ b\n@@ -1,2 +1,2 @@\n hello\n-world\n+there\n',
    exitCode: 1,
  },
  { name: 'diff -r -x pattern', command: 'diff', args: ['-r', '-x', '*.o', 'sub', 'sub'], stdout: '' },
  { name: 'stat -c', command: 'stat', args: ['-c', '%s %n', 'a.txt'], stdout: '12 a.txt\n' },
  {
    name: 'du -s',
    command: 'du',
    args: ['-s', '--apparent-size', '--block-size=1', 'a.txt'],
    stdout: '12\ta.txt\n',
  },
  { name: 'pwd in a sub directory', command: 'pwd', args: [], cwd: 'sub', stdout: /\/root\/sub\n$/ },
  { name: 'echo', command: 'echo', args: ['-n', 'hi', 'there'], stdout: 'hi there' },
  { name: 'date +FORMAT', command: 'date', args: ['-u', '-d', '@0', '+%Y-%m-%d'], stdout: '1970-01-01\n' },
  { name: 'file', command: 'file', args: ['-b', 'a.txt'], stdout: 'ASCII text\n' },
  { name: 'sed -n s///p', command: 'sed', args: ['-n', 's/hello/bye/p', 'a.txt'], stdout: 'bye\n' },
  {
    name: 'sed with -e and a y command',
    command: 'sed',
    args: ['-e', 'y/abc/xyz/', '-e', '$d'],
    stdin: 'abc\nlast\n',
    stdout: 'xyz\n',
  },
  { name: 'sed address and block', command: 'sed', args: ['-n', '/world/{p;q}', 'a.txt'], stdout: 'world\n' },
  { name: 'git status', command: 'git', args: ['status', '--porcelain'], stdout: '?? b.txt\n?? sub/\n' },
  { name: 'git log', command: 'git', args: ['log', '--format=%s'], stdout: 'first commit\n' },
  {
    name: 'git show --stat',
    command: 'git',
    args: ['show', '--format=%s', '--stat', 'HEAD'],
    stdout: /first commit\n\n a\.txt \| 2 \+\+/,
  },
  { name: 'git diff', command: 'git', args: ['diff', '--stat', 'HEAD'], stdout: '' },
  { name: 'git branch', command: 'git', args: ['branch', '--show-current'], stdout: 'main\n' },
  {
    name: 'git branch --list pattern',
    command: 'git',
    args: ['branch', '--list', 'ma*'],
    stdout: '* main\n',
  },
  { name: 'git rev-parse', command: 'git', args: ['rev-parse', '--abbrev-ref', 'HEAD'], stdout: 'main\n' },
  { name: 'git ls-files', command: 'git', args: ['ls-files'], stdout: 'a.txt\n' },
  { name: 'git blame', command: 'git', args: ['blame', '-s', 'a.txt'], stdout: /hello\n.*world\n$/ },
];

function setUp(base: string): void {
  const root = join(base, 'root');
  mkdirSync(join(root, 'sub'), { recursive: true });
  writeFileSync(join(root, 'a.txt'), 'hello\nworld\n');
  const git = (...args: string[]): void => {
    execFileSync('git', args, {
      cwd: root,
      env: { PATH: '/usr/bin:/bin', HOME: base, GIT_CONFIG_NOSYSTEM: '1' },
      stdio: 'ignore',
    });
  };
  git('init', '-q', '-b', 'main');
  git('add', 'a.txt');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', 'first commit');
  writeFileSync(join(root, 'b.txt'), 'hello\nthere\n');
  writeFileSync(join(root, 'sub', 'c.txt'), 'GET /api/v1\n');
}

const MODES: { mode: 'none' | 'bwrap'; skip: boolean }[] = [
  { mode: 'none', skip: false },
  { mode: 'bwrap', skip: bwrap === undefined },
];

describe.each(MODES)('shell_run benign corpus (sandbox $mode)', ({ mode, skip }) => {
  let base: string;
  let tool: BuiltinTool;
  let family: ToolFamily;

  beforeAll(async () => {
    if (skip) return;
    base = mkdtempSync(join(tmpdir(), 'warden-shell-benign-'));
    setUp(base);
    const config: ShellConfig = {
      allow: { ...DEFAULT_SHELL_ALLOW, sed: {} },
      timeoutMs: 5000,
      maxOutputBytes: 65536,
      env: {},
      sandbox: mode,
    };
    family = await createShellTools(config, { baseDir: base, fsRoots: ['root'] });
    tool = family.tools[0]!;
  });

  afterAll(async () => {
    if (skip) return;
    await family.close?.();
    rmSync(base, { recursive: true, force: true });
  });

  it.skipIf(skip).each(CORPUS)('runs: $name', async (c) => {
    const args = {
      command: c.command,
      args: c.args,
      ...(c.cwd === undefined ? {} : { cwd: c.cwd }),
      ...(c.stdin === undefined ? {} : { stdin: c.stdin }),
    };
    const result = await tool.call(args, { signal: new AbortController().signal, requestId: 'r' });
    const out = result.structuredContent as { stdout: string; stderr: string; exitCode: number };
    expect({ exitCode: out.exitCode, stderr: out.stderr }).toEqual({ exitCode: c.exitCode ?? 0, stderr: '' });
    if (typeof c.stdout === 'string') expect(out.stdout).toBe(c.stdout);
    else expect(out.stdout).toMatch(c.stdout);
    expect(result.isError).toBe((c.exitCode ?? 0) !== 0);
  });
});
