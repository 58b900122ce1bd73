import { describe, expect, it } from 'vitest';
import { checkArgv } from './check-argv.js';

const denied = expect.objectContaining({ code: 'SHELL_ARG_DENIED' });

describe('checkArgv', () => {
  it('rebuilds reorderable programs as canonical options, --, operands', () => {
    expect(checkArgv('sort', {}, ['file', '-rk2', '--uniq'])).toEqual({
      argv: ['-r', '-k2', '--unique', '--', 'file'],
      pathCandidates: ['file'],
    });
  });

  it('prefixes sed with --sandbox and tar with --force-local', () => {
    expect(checkArgv('sed', {}, ['-n', 'p', 'f']).argv).toEqual(['--sandbox', '-n', '--', 'p', 'f']);
    expect(checkArgv('tar', {}, ['-tf', 'a.tar']).argv).toEqual(['--force-local', '-tf', 'a.tar']);
  });

  it('forces safe git settings and disables external diff and textconv', () => {
    const { argv } = checkArgv('git', {}, ['log', '-p']);
    expect(argv.slice(0, 2)).toEqual(['--no-pager', '--no-optional-locks']);
    expect(argv).toContain('core.fsmonitor=false');
    expect(argv.slice(-4)).toEqual(['log', '--no-ext-diff', '--no-textconv', '-p']);
  });

  it.each([
    ['ssh', ['-o', 'ProxyCommand=touch x', 'host']],
    ['ssh', ['-oProxyCommand=touch x', 'host']],
    ['ssh', ['-F', 'cfg', 'host']],
    ['scp', ['-o', 'ProxyCommand=x', 'a', 'h:b']],
    ['rsync', ['-e', 'sh -c x', 'a', 'h:b']],
    ['rsync', ['-ave', 'sh', 'a', 'b']],
    ['rsync', ['--rsh=sh', 'a', 'b']],
    ['rsync', ['--rs=sh', 'a', 'b']],
    ['rsync', ['--rsync-path=x', 'a', 'h:b']],
    ['rsync', ['-a', '--link-dest=../../outside', 'a/', 'b/']],
    ['rsync', ['-a', '--copy-dest', '../x', 'a/', 'b/']],
    ['rsync', ['-a', '--compare-de=../x', 'a/', 'b/']],
    ['man', ['-P', 'sh -c x', 'ls']],
    ['man', ['--pager=x', 'ls']],
    ['man', ['--pa=x', 'ls']],
    ['git', ['grep', '-O', 'x']],
    ['git', ['status', '--exec=x']],
    ['git', ['-c', 'x=y', 'status']],
    ['git', ['--no-pager']],
  ])('refuses %s %j', (program, args) => {
    expect(() =>
      checkArgv(program, { subcommands: program === 'git' ? ['grep', 'status'] : undefined }, args),
    ).toThrow(denied);
  });

  it('keeps refusal messages short whatever the caller sent', () => {
    expect(() => checkArgv('ls', {}, [`--${'x'.repeat(5000)}`])).toThrow(
      `unknown option --${'x'.repeat(38)}…`,
    );
  });

  it('applies config subcommands, allowOptions, denyOptions and maxArgs', () => {
    expect(() => checkArgv('make-like', { subcommands: ['build'] }, ['deploy'])).toThrow(denied);
    expect(checkArgv('make-like', { subcommands: ['build'] }, ['build']).argv).toEqual(['build']);
    expect(() => checkArgv('ls', { allowOptions: ['-l'] }, ['-la'])).toThrow(denied);
    expect(() => checkArgv('ls', { denyOptions: ['--recursive'] }, ['--recur'])).toThrow(denied);
    expect(() => checkArgv('ls', { maxArgs: 1 }, ['a', 'b'])).toThrow(denied);
    expect(() => checkArgv('find', { allowOptions: ['-name'] }, ['.', '-type', 'f'])).toThrow(denied);
  });
});
