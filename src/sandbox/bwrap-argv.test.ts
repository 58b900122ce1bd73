import { describe, expect, it } from 'vitest';
import { bwrapArgv } from './bwrap-argv.js';
import { buildSandboxedCommand } from './sandboxed-command.js';

const spec = {
  command: '/usr/bin/node',
  args: ['server.js', '--flag'],
  readOnly: ['/srv/app'],
  writable: ['/srv/data'],
  network: false,
  env: { PATH: '/usr/bin', HOME: '/tmp' },
  cwd: '/srv/app',
};

describe('bwrapArgv', () => {
  it('builds a read-only system, private /tmp, binds, no network, clean env and the command last', () => {
    const argv = bwrapArgv(spec);
    expect(argv.slice(0, 3)).toEqual(['--ro-bind', '/usr', '/usr']);
    const tail = argv.slice(argv.indexOf('--proc'));
    expect(tail).toEqual([
      '--proc',
      '/proc',
      '--dev',
      '/dev',
      '--tmpfs',
      '/tmp',
      '--ro-bind',
      '/srv/app',
      '/srv/app',
      '--bind',
      '/srv/data',
      '/srv/data',
      '--unshare-all',
      '--new-session',
      '--die-with-parent',
      '--clearenv',
      '--setenv',
      'PATH',
      '/usr/bin',
      '--setenv',
      'HOME',
      '/tmp',
      '--chdir',
      '/srv/app',
      '--',
      '/usr/bin/node',
      'server.js',
      '--flag',
    ]);
    expect(argv).not.toContain('--share-net');
    expect(argv).not.toContain('/etc/shadow');
    expect(argv).not.toContain('/etc/resolv.conf');
  });

  it('shares the network and its /etc files only when asked', () => {
    const argv = bwrapArgv({ ...spec, network: true });
    expect(argv).toContain('--share-net');
    expect(argv.join(' ')).toContain('--ro-bind-try /etc/resolv.conf /etc/resolv.conf');
  });

  it.each([
    ['a relative bind', { ...spec, readOnly: ['relative/dir'] }],
    ['a relative cwd', { ...spec, cwd: 'here' }],
    ['a NUL in a path', { ...spec, writable: ['/srv/\0x'] }],
    ['a bad env name', { ...spec, env: { 'A=B': 'x' } }],
  ])('refuses %s with CONFIG_INVALID', (_name, bad) => {
    expect(() => bwrapArgv(bad)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('buildSandboxedCommand', () => {
  const options = { sandbox: { paths: ['/srv/app'], writable: [], network: false }, env: { A: '1' } };

  it('throws SANDBOX_UNAVAILABLE without bwrap', () => {
    expect(() => buildSandboxedCommand(undefined, 'node', [], options)).toThrow(
      expect.objectContaining({ code: 'SANDBOX_UNAVAILABLE' }),
    );
  });

  it('runs bwrap, binds a cwd and a program outside the system read-only', () => {
    const out = buildSandboxedCommand('/usr/bin/bwrap', '/opt/tool/bin/server', ['x'], {
      ...options,
      cwd: '/work/srv',
    });
    expect(out.command).toBe('/usr/bin/bwrap');
    const joined = out.args.join(' ');
    expect(joined).toContain('--ro-bind /work/srv /work/srv');
    expect(joined).toContain('--ro-bind /opt/tool/bin/server /opt/tool/bin/server');
    expect(out.args.slice(-5)).toEqual(['--chdir', '/work/srv', '--', '/opt/tool/bin/server', 'x']);
  });
});
