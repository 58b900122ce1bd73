import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWardenError } from '../../errors/index.js';
import type { ErrorCode } from '../../errors/index.js';
import type { ShellConfig } from '../../config/builtins.js';
import type { BuiltinTool, ToolFamily } from '../types.js';
import { createShellTools } from './create-shell-tools.js';
import { DEFAULT_SHELL_ALLOW } from './default-allow.js';

const SECRET = 'TOPSECRET-7f3a91';
let base: string;
let root: string;
let marker: string;
let secretFile: string;
let tool: BuiltinTool;
let family: ToolFamily;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'warden-shell-attack-'));
  root = join(base, 'root');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(base, 'outside'));
  marker = join(base, 'pwned');
  secretFile = join(base, 'outside', 'secret.txt');
  writeFileSync(secretFile, `${SECRET}\n`);
  writeFileSync(join(root, 'a.txt'), 'hello\nworld\n');
  writeFileSync(join(root, 'b.txt'), 'hello\nthere\n');
  writeFileSync(join(root, 'script.sed'), `1e touch ${marker}\n`);
  symlinkSync(secretFile, join(root, 'secret-link'));
  symlinkSync(join(base, 'outside'), join(root, 'outside-link'));
  const config: ShellConfig = {
    allow: { ...DEFAULT_SHELL_ALLOW, sed: {}, tar: {}, limited: { path: '/usr/bin/cksum', maxArgs: 2 } },
    timeoutMs: 5000,
    maxOutputBytes: 65536,
    env: {},
    sandbox: 'none',
  };
  family = await createShellTools(config, { baseDir: base, fsRoots: ['root'] });
  tool = family.tools[0]!;
  // A repository above the root whose history holds the secret: discovery must not climb into it.
  const git = (...args: string[]): void => {
    execFileSync('git', args, {
      cwd: base,
      env: { PATH: '/usr/bin:/bin', HOME: base, GIT_CONFIG_NOSYSTEM: '1' },
      stdio: 'ignore',
    });
  };
  git('init', '-q', '-b', 'main');
  git('add', 'outside/secret.txt');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', 'secret');
});

afterAll(async () => {
  await family.close?.();
  rmSync(base, { recursive: true, force: true });
});

interface AttackCase {
  name: string;
  command: string;
  args?: (m: string) => unknown[];
  cwd?: string;
  code: ErrorCode;
}

const t = (name: string, command: string, args: (m: string) => unknown[], code: ErrorCode): AttackCase => ({
  name,
  command,
  args,
  code,
});

const NOT_ALLOWED: ErrorCode = 'SHELL_NOT_ALLOWED';
const ARG: ErrorCode = 'SHELL_ARG_DENIED';
const PATH: ErrorCode = 'SHELL_PATH_DENIED';

const CORPUS: AttackCase[] = [
  // program resolution: paths, PATH tricks, version suffixes, case, shell syntax in the name
  t('absolute path to an allowed program', '/bin/ls', () => [], NOT_ALLOWED),
  t('absolute path to another binary', '/usr/bin/id', () => [], NOT_ALLOWED),
  t('relative path', './ls', () => [], NOT_ALLOWED),
  t('traversal in the name', '../../../bin/ls', () => [], NOT_ALLOWED),
  t('trailing space', 'ls ', () => [], NOT_ALLOWED),
  t('different case', 'LS', () => [], NOT_ALLOWED),
  t('version-suffixed name', 'python3', () => ['-c', 'print(1)'], NOT_ALLOWED),
  t('version-suffixed allowed name', 'grep3', () => [], NOT_ALLOWED),
  t('shell syntax in the name', 'ls;id', () => [], NOT_ALLOWED),
  t('prototype key as name', '__proto__', () => [], NOT_ALLOWED),
  t('constructor as name', 'constructor', () => [], NOT_ALLOWED),
  // interpreters, shells, wrappers, pagers, editors are never offered
  ...[
    'bash',
    'sh',
    'awk',
    'perl',
    'node',
    'env',
    'xargs',
    'timeout',
    'nice',
    'nohup',
    'setsid',
    'stdbuf',
    'flock',
    'sudo',
    'less',
    'vim',
    'man',
  ].map((name) =>
    t(`${name} is not a program callers may run`, name, (m) => ['-c', `touch ${m}`], NOT_ALLOWED),
  ),
  // find
  t('find -exec', 'find', (m) => ['.', '-exec', 'touch', m, ';'], ARG),
  t('find -execdir', 'find', (m) => ['.', '-execdir', 'touch', m, '+'], ARG),
  t('find -ok', 'find', (m) => ['.', '-ok', 'touch', m, ';'], ARG),
  t('find -okdir', 'find', (m) => ['.', '-okdir', 'touch', m, ';'], ARG),
  t('find -delete', 'find', () => ['.', '-name', 'a.txt', '-delete'], ARG),
  t('find -fprint', 'find', (m) => ['.', '-fprint', m], ARG),
  t('find -fprint0', 'find', (m) => ['.', '-fprint0', m], ARG),
  t('find -fprintf', 'find', (m) => ['.', '-fprintf', m, '%p'], ARG),
  t('find -fls', 'find', (m) => ['.', '-fls', m], ARG),
  t('find --exec double dash form', 'find', (m) => ['.', '--exec', 'touch', m, ';'], ARG),
  t('find -L follows links out of the roots', 'find', () => ['-L', '.'], ARG),
  t('find -follow', 'find', () => ['.', '-follow'], ARG),
  t('find unknown predicate', 'find', () => ['.', '-frobnicate'], ARG),
  t('find starting point outside', 'find', () => ['/', '-name', 'secret.txt'], PATH),
  t('find -newer outside file', 'find', () => ['.', '-newer', '/etc/passwd'], PATH),
  // git
  t('git -c pager', 'git', (m) => ['-c', `core.pager=touch ${m}`, 'log'], ARG),
  t('git -c alias', 'git', (m) => ['-c', `alias.x=!touch ${m}`, 'x'], ARG),
  t('git --config-env', 'git', () => ['--config-env=core.pager=HOME', 'log'], ARG),
  t('git --exec-path', 'git', () => ['--exec-path=.', 'status'], ARG),
  t('git -p paginate', 'git', () => ['-p', 'log'], ARG),
  t('git --paginate', 'git', () => ['--paginate', 'log'], ARG),
  t('git log --output', 'git', (m) => ['log', `--output=${m}`], ARG),
  t('git log --out abbreviation', 'git', (m) => ['log', `--out=${m}`], ARG),
  t('git diff --ext-diff', 'git', () => ['diff', '--ext-diff'], ARG),
  t('git diff --textconv', 'git', () => ['diff', '--textconv'], ARG),
  t('git diff -O orderfile', 'git', () => ['diff', '-O/etc/passwd'], ARG),
  t('git fetch --upload-pack', 'git', (m) => ['fetch', `--upload-pack=touch ${m}`, 'x'], ARG),
  t('git ls-remote --upload-pack', 'git', (m) => ['ls-remote', `--upload-pack=touch ${m}`, '.'], ARG),
  t('git push --receive-pack', 'git', (m) => ['push', `--receive-pack=touch ${m}`, 'x'], ARG),
  t('git config', 'git', (m) => ['config', 'core.pager', `touch ${m}`], ARG),
  t('git help opens a pager or browser', 'git', () => ['help', 'log'], ARG),
  t('git archive --remote', 'git', () => ['archive', '--remote=x', 'HEAD'], ARG),
  t('git branch NAME creates a branch', 'git', () => ['branch', 'evil'], ARG),
  t('git branch -D', 'git', () => ['branch', '-D', 'main'], ARG),
  t('git -C outside', 'git', () => ['-C', '/', 'status'], PATH),
  t('git --git-dir outside', 'git', () => ['--git-dir=/etc', 'log'], PATH),
  t('git log on an outside path', 'git', () => ['log', '--', '../outside/secret.txt'], PATH),
  // tar
  t(
    'tar --checkpoint-action',
    'tar',
    (m) => ['-cf', 'x.tar', '--checkpoint=1', `--checkpoint-action=exec=touch ${m}`, 'a.txt'],
    ARG,
  ),
  t('tar --to-command', 'tar', (m) => ['-xf', 'x.tar', `--to-command=touch ${m}`], ARG),
  t('tar -I', 'tar', (m) => ['-I', `touch ${m}`, '-cf', 'x.tar', 'a.txt'], ARG),
  t('tar -I glued in a cluster', 'tar', () => ['-cIsh', 'x.tar', 'a.txt'], ARG),
  t(
    'tar --use-compress-program',
    'tar',
    (m) => ['-cf', 'x.tar', `--use-compress-program=touch ${m}`, 'a.txt'],
    ARG,
  ),
  t('tar --use abbreviation', 'tar', (m) => ['-cf', 'x.tar', `--use=touch ${m}`, 'a.txt'], ARG),
  t('tar --rsh-command', 'tar', (m) => ['-cf', 'h:x.tar', `--rsh-command=touch ${m}`, 'a.txt'], ARG),
  t('tar -F info script', 'tar', (m) => ['-cf', 'x.tar', '-F', `touch ${m}`, 'a.txt'], ARG),
  t('tar --info-script', 'tar', (m) => ['-cf', 'x.tar', `--info-script=touch ${m}`, 'a.txt'], ARG),
  t('tar old-style options', 'tar', () => ['cf', 'x.tar', 'a.txt'], ARG),
  t('tar -P absolute names', 'tar', () => ['-cPf', 'x.tar', 'a.txt'], ARG),
  t('tar -C outside', 'tar', () => ['-xf', 'x.tar', '-C', '/'], PATH),
  t('tar archives an outside file', 'tar', () => ['-cf', 'x.tar', '/etc/passwd'], PATH),
  // sort
  t('sort --compress-program', 'sort', (m) => [`--compress-program=touch ${m}`, 'a.txt'], ARG),
  t('sort --compress-prog abbreviation', 'sort', () => ['--compress-prog=sh', 'a.txt'], ARG),
  t('sort --co abbreviation', 'sort', () => ['--co=sh', 'a.txt'], ARG),
  t('sort -o', 'sort', (m) => ['-o', m, 'a.txt'], ARG),
  t('sort -o glued', 'sort', (m) => [`-o${m}`, 'a.txt'], ARG),
  t('sort -o in a cluster', 'sort', (m) => ['-ruo', m, 'a.txt'], ARG),
  t('sort --output', 'sort', (m) => [`--output=${m}`, 'a.txt'], ARG),
  t('sort --out abbreviation', 'sort', (m) => [`--out=${m}`, 'a.txt'], ARG),
  t('sort -T temp dir', 'sort', () => ['-T', '.', 'a.txt'], ARG),
  // sed
  t('sed -i', 'sed', () => ['-i', 's/hello/bye/', 'a.txt'], ARG),
  t('sed -i with suffix', 'sed', () => ['-ibak', 's/hello/bye/', 'a.txt'], ARG),
  t('sed --in-place', 'sed', () => ['--in-place', 's/hello/bye/', 'a.txt'], ARG),
  t('sed --in abbreviation', 'sed', () => ['--in', 's/hello/bye/', 'a.txt'], ARG),
  t('sed e command', 'sed', (m) => [`1e touch ${m}`, 'a.txt'], ARG),
  t('sed s///e flag', 'sed', (m) => [`s/hello/touch ${m}/e`, 'a.txt'], ARG),
  t('sed w command', 'sed', (m) => [`w ${m}`, 'a.txt'], ARG),
  t('sed s///w flag', 'sed', (m) => [`s/hello/x/w ${m}`, 'a.txt'], ARG),
  t('sed W command', 'sed', (m) => [`W ${m}`, 'a.txt'], ARG),
  t('sed r command', 'sed', () => ['r /etc/passwd', 'a.txt'], ARG),
  t('sed R command', 'sed', () => ['1R /etc/passwd', 'a.txt'], ARG),
  t('sed e inside a block', 'sed', (m) => ['-n', `/hello/{\ne touch ${m}\n}`, 'a.txt'], ARG),
  t('sed e after a y command', 'sed', (m) => ['-e', `y/a/b/;e touch ${m}`, 'a.txt'], ARG),
  t('sed e in a second -e', 'sed', (m) => ['-e', 'p', '-e', `1e touch ${m}`, 'a.txt'], ARG),
  t('sed --expression', 'sed', (m) => [`--expression=1e touch ${m}`, 'a.txt'], ARG),
  t('sed -f script file', 'sed', () => ['-f', 'script.sed', 'a.txt'], ARG),
  // other read-only tools
  t('uniq writes a second operand', 'uniq', () => ['a.txt', 'out.txt'], ARG),
  t('diff --paginate runs pr', 'diff', () => ['--paginate', 'a.txt', 'b.txt'], ARG),
  t('diff -l runs pr', 'diff', () => ['-l', 'a.txt', 'b.txt'], ARG),
  t('file -C compiles', 'file', () => ['-C', '-m', 'a.txt'], ARG),
  t('file -z decompresses', 'file', () => ['-z', 'a.txt'], ARG),
  t('date -s sets the clock', 'date', () => ['-s', '2020-01-01'], ARG),
  t('date --se abbreviation', 'date', () => ['--se=2020-01-01'], ARG),
  t('date MMDDhhmm operand', 'date', () => ['010100002020'], ARG),
  t('grep -R follows links', 'grep', () => ['-R', 'x', '.'], ARG),
  t('grep --dereference abbreviation', 'grep', () => ['--dereference', 'x', '.'], ARG),
  t('ls -L', 'ls', () => ['-RL', '.'], ARG),
  t('du -L', 'du', () => ['-L', '.'], ARG),
  t('unknown option', 'ls', () => ['--frobnicate'], ARG),
  t('unknown short option in a cluster', 'cat', () => ['-nZ', 'a.txt'], ARG),
  t('NUL byte in an argument', 'cat', () => ['a.txt\0/etc/passwd'], ARG),
  t('more arguments than maxArgs', 'limited', () => ['a.txt', 'b.txt', 'sub'], ARG),
  // paths outside the roots
  t('cat absolute outside', 'cat', () => ['/etc/passwd'], PATH),
  t('cat traversal', 'cat', () => ['../outside/secret.txt'], PATH),
  t('cat deep traversal', 'cat', () => ['sub/../../outside/secret.txt'], PATH),
  t('cat symlink to outside file', 'cat', () => ['secret-link'], PATH),
  t('cat through a symlinked directory', 'cat', () => ['outside-link/secret.txt'], PATH),
  t('cat through a link then ..', 'cat', () => ['outside-link/../outside/secret.txt'], PATH),
  t('cat /proc environ', 'cat', () => ['/proc/self/environ'], PATH),
  t('head --lines outside', 'head', () => ['--lines=1', '../outside/secret.txt'], PATH),
  t('grep pattern file outside', 'grep', () => ['-f', '../outside/secret.txt', 'a.txt'], PATH),
  t('grep in outside file', 'grep', () => ['-r', 'TOP', '..'], PATH),
  t('wc --files0-from outside', 'wc', () => ['--files0-from=/etc/passwd'], PATH),
  t('du --files0-from outside', 'du', () => ['--files0-from=../outside/secret.txt'], PATH),
  t('diff against outside file', 'diff', () => ['a.txt', '../outside/secret.txt'], PATH),
  t('stat outside', 'stat', () => ['/etc/shadow'], PATH),
  t('ls root directory', 'ls', () => ['/'], PATH),
  t('ls parent', 'ls', () => ['..'], PATH),
  t('date -f outside file', 'date', () => ['-f', '../outside/secret.txt'], PATH),
  t('key=value path', 'limited', () => ['if=/etc/passwd'], PATH),
  t('generic program option value outside', 'limited', () => ['--x=/etc'], PATH),
  t('generic program glued short value outside', 'limited', () => ['-f/etc/passwd'], PATH),
  // malformed calls
  t('empty command', '', () => [], 'ARGS_INVALID'),
  t('non-string argument', 'ls', () => [1], 'ARGS_INVALID'),
];

describe('shell_run attack corpus', () => {
  it('has at least 60 cases', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(60);
  });

  it.each(CORPUS)('refuses: $name', async (attack) => {
    const args = { command: attack.command, args: attack.args?.(marker) ?? [] };
    const error = await tool.call(args, { signal: new AbortController().signal, requestId: 'r' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isWardenError(error, attack.code), String(error)).toBe(true);
    expect(String(error)).not.toContain(SECRET);
    expect(String(error)).not.toContain(base);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(root, 'out.txt'))).toBe(false);
    expect(existsSync(join(root, 'x.tar'))).toBe(false);
  });
});

describe('shell_run call shape', () => {
  const ctx = () => ({ signal: new AbortController().signal, requestId: 'r' });

  it.each([
    ['an env override', { command: 'ls', args: [], env: { LD_PRELOAD: '/x.so' } }],
    ['a shell string', { command: 'ls', args: [], shell: true }],
    ['args as a string', { command: 'ls', args: '-la; id' }],
    ['a negative timeout', { command: 'ls', args: [], timeoutMs: -1 }],
  ])('refuses %s with ARGS_INVALID', async (_name, args) => {
    await expect(tool.call(args, ctx())).rejects.toMatchObject({ code: 'ARGS_INVALID' });
  });

  it.each([
    ['the filesystem root', '/'],
    ['the parent of the root', '..'],
    ['a symlink to outside', 'outside-link'],
    ['a missing directory', 'nope'],
    ['a file', 'a.txt'],
  ])('refuses cwd %s with SHELL_CWD_DENIED', async (_name, cwd) => {
    await expect(tool.call({ command: 'pwd', args: [], cwd }, ctx())).rejects.toMatchObject({
      code: 'SHELL_CWD_DENIED',
    });
  });

  it.each([
    ['log -p', ['log', '-p']],
    ['show', ['show', 'HEAD:outside/secret.txt']],
    ['ls-files', ['ls-files', '--full-name']],
  ])('does not discover a repository above the roots (git %s)', async (_name, args) => {
    const result = await tool.call({ command: 'git', args }, ctx());
    expect(result.structuredContent).toMatchObject({ exitCode: 128, stdout: '' });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('does not follow a symlink to outside while diff recurses', async () => {
    mkdirSync(join(root, 'd1'));
    mkdirSync(join(root, 'd2', 'x'), { recursive: true });
    symlinkSync(join(base, 'outside'), join(root, 'd1', 'x'));
    writeFileSync(join(root, 'd2', 'x', 'secret.txt'), 'other\n');
    const result = await tool.call({ command: 'diff', args: ['-r', 'd1', 'd2'] }, ctx());
    expect(result.structuredContent).toMatchObject({ exitCode: 1 });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('treats shell syntax in arguments as plain text', async () => {
    const result = await tool.call(
      { command: 'echo', args: ['$(touch pwned)', '`id`', '; ls', '| cat', '$HOME'] },
      ctx(),
    );
    expect(result.structuredContent).toMatchObject({
      exitCode: 0,
      stdout: '$(touch pwned) `id` ; ls | cat $HOME\n',
    });
    expect(existsSync(join(root, 'pwned'))).toBe(false);
  });

  it('passes a dash-leading operand after -- as a file name, not an option', async () => {
    writeFileSync(join(root, '-n'), 'dash file\n');
    const result = await tool.call({ command: 'cat', args: ['--', '-n'] }, ctx());
    expect(result.structuredContent).toMatchObject({ exitCode: 0, stdout: 'dash file\n' });
  });
});
