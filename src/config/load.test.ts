import { describe, expect, it } from 'vitest';
import { checkConfigText, configFromObject, storePath } from './load.js';

const base = { baseDir: '/srv/warden', env: { TOKEN: 'abc' } };

describe('checkConfigText', () => {
  it('fills secure defaults for an empty file', () => {
    const { config, problems } = checkConfigText('', base);
    expect(problems).toEqual([]);
    expect(config?.listen.http).toBe('127.0.0.1:8787');
    expect(config?.auth.mode).toBe('api-key');
    expect(storePath(config!)).toBe('/srv/warden/.warden/warden.db');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('resolves ${env:NAME} references', () => {
    const { config } = checkConfigText(
      'upstreams:\n  r:\n    url: https://x.test/mcp\n    headers: { authorization: "Bearer ${env:TOKEN}" }\n',
      base,
    );
    expect(config?.upstreams.r).toMatchObject({ headers: { authorization: 'Bearer abc' } });
  });

  it('substitutes a variable’s value as it is: no second expansion, no $-patterns', () => {
    const env = { OUTER: '${env:TOKEN}', DOLLAR: '$& $1 $$' };
    const { config } = checkConfigText('auth: { stdioPrincipal: "${env:OUTER}|${env:DOLLAR}" }\n', {
      ...base,
      env,
    });
    expect(config?.auth.stdioPrincipal).toBe('${env:TOKEN}|$& $1 $$');
  });

  it('reports every error at once, with locations', () => {
    const text = [
      'listen:',
      '  http: nowhere',
      'auth:',
      '  mode: magic',
      'bogus: 1',
      'upstreams:',
      '  x:',
      '    command: npx',
      '    env: { K: "${env:MISSING}" }',
      '',
    ].join('\n');
    const { config, problems } = checkConfigText(text, base);
    expect(config).toBeUndefined();
    const summary = problems.map((p) => `${p.line}:${p.path.join('.')}`);
    expect(summary).toContain('9:upstreams.x.env.K');
    expect(summary).toContain('4:auth.mode');
    expect(summary.some((s) => s.startsWith('5:') || s.startsWith('1:'))).toBe(true);
    expect(problems.find((p) => p.path.join('.') === 'upstreams.x.env.K')?.message).toBe(
      'environment variable MISSING is not set',
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const { config, problems } = checkConfigText('listen:\n  http: [unclosed\n', base);
    expect(config).toBeUndefined();
    expect(problems[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it('reports an alias bomb as a config error instead of expanding it or throwing', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 9; i++)
      lines.push(
        `a${i}: &a${i} [${Array(9)
          .fill(`*a${i === 1 ? '' : i - 1}`)
          .join(', ')}]`,
      );
    const { config, problems } = checkConfigText(lines.join('\n'), base);
    expect(config).toBeUndefined();
    expect(problems).toEqual([
      { path: [], message: expect.stringMatching(/alias/i) as string, severity: 'error' },
    ]);
  });

  it('refuses auth.mode none on a non-loopback listener', () => {
    const { config, problems } = checkConfigText(
      'listen: { http: "0.0.0.0:8787" }\nauth: { mode: none }\n',
      base,
    );
    expect(config).toBeUndefined();
    expect(problems).toContainEqual(
      expect.objectContaining({
        path: ['auth', 'mode'],
        message: 'auth.mode none is allowed only on a loopback listener or stdio',
        line: 2,
      }),
    );
  });

  it('refuses auth.mode none on every spelling of a listener that is not certainly loopback', () => {
    for (const http of [
      '0.0.0.0:1',
      '[::]:1',
      '0:1',
      '127.1:1',
      '2130706433:1',
      '[::ffff:10.0.0.1]:1',
      'localhost.:1',
    ]) {
      const { config, problems } = checkConfigText(
        JSON.stringify({ listen: { http }, auth: { mode: 'none' } }),
        base,
      );
      expect(config, http).toBeUndefined();
      expect(
        problems.map((p) => p.path.join('.')),
        http,
      ).toContain('auth.mode');
    }
    for (const http of ['127.0.0.1:1', 'localhost:1', '[::1]:1', ':1'])
      expect(
        checkConfigText(JSON.stringify({ listen: { http }, auth: { mode: 'none' } }), base).problems,
        http,
      ).toEqual([]);
  });

  it('refuses a "__proto__" key rather than letting it supply settings that no unknown-key check sees', () => {
    for (const text of ['__proto__: { auth: { mode: none } }\n', 'auth:\n  __proto__: { mode: none }\n']) {
      const { config, problems } = checkConfigText(text, base);
      expect(config, text).toBeUndefined();
      expect(problems, text).toContainEqual(
        expect.objectContaining({ message: 'Unrecognized key: "__proto__"', severity: 'error' }),
      );
    }
  });

  it('refuses prefixed upstream names that another upstream’s tool names could imitate', () => {
    const upstream = { command: 'x' };
    for (const name of ['a__b', 'a_']) {
      const { config, problems } = checkConfigText(
        JSON.stringify({ upstreams: { a: upstream, [name]: upstream } }),
        base,
      );
      expect(config, name).toBeUndefined();
      expect(problems, name).toContainEqual(
        expect.objectContaining({ path: ['upstreams', name], severity: 'error' }),
      );
    }
    const unprefixed = { upstreams: { a__b: { ...upstream, prefix: false }, 'a_b-c': upstream } };
    expect(checkConfigText(JSON.stringify(unprefixed), base).problems).toEqual([]);
  });

  it('accepts addresses, address:port and CIDR blocks in an HTTP upstream’s allow, and nothing else', () => {
    const upstream = (allow: string[]): string =>
      JSON.stringify({ upstreams: { tickets: { url: 'http://mcp.internal.test:8080/mcp', allow } } });
    const good = checkConfigText(upstream(['10.0.0.5', '127.0.0.1:8080', '[::1]:8080', '10.0.0.0/8']), base);
    expect(good.problems).toEqual([]);
    expect(good.config?.upstreams.tickets).toMatchObject({
      allow: ['10.0.0.5', '127.0.0.1:8080', '[::1]:8080', '10.0.0.0/8'],
    });
    const { config, problems } = checkConfigText(upstream(['mcp.internal.test', '10.0.0.0/40', 'a b']), base);
    expect(config).toBeUndefined();
    expect(problems.map((p) => [p.path.join('.'), p.message, p.severity])).toEqual([
      [
        'upstreams.tickets.allow.0',
        'mcp.internal.test is a name, not an address: list the addresses or a CIDR block',
        'error',
      ],
      ['upstreams.tickets.allow.1', 'not a CIDR block: 10.0.0.0/40', 'error'],
      ['upstreams.tickets.allow.2', 'not an address[:port]: a b', 'error'],
    ]);
  });

  it('warns that allow has no effect on an upstream whose url is an address or localhost', () => {
    for (const url of ['http://127.0.0.1:8080/mcp', 'http://[::1]:8080/mcp', 'http://LocalHost:8080/mcp']) {
      const text = JSON.stringify({ upstreams: { local: { url, allow: ['127.0.0.1'] } } });
      const { config, problems } = checkConfigText(text, base);
      expect(config, url).toBeDefined();
      expect(problems, url).toEqual([
        expect.objectContaining({ path: ['upstreams', 'local', 'allow'], severity: 'warning' }),
      ]);
    }
  });

  it('warns about unpinned npx packages', () => {
    const { config, problems } = checkConfigText(
      'upstreams:\n  e:\n    command: npx\n    args: [-y, "@modelcontextprotocol/server-everything"]\n',
      base,
    );
    expect(config).toBeDefined();
    expect(problems).toEqual([
      expect.objectContaining({ severity: 'warning', path: ['upstreams', 'e', 'args'] }),
    ]);
  });

  it('counts only exact npx versions as pinned: ranges, majors and tags still move', () => {
    const warned = (pkg: string): boolean =>
      checkConfigText(JSON.stringify({ upstreams: { e: { command: 'npx', args: ['-y', pkg] } } }), base)
        .problems.length > 0;
    for (const pkg of [
      'pkg@^1.2.3',
      'pkg@~1.2.3',
      'pkg@1',
      'pkg@1.x',
      'pkg@>=1.0.0',
      'pkg@next2',
      '@s/pkg@latest',
    ])
      expect(warned(pkg), pkg).toBe(true);
    for (const pkg of ['pkg@1.2.3', '@s/pkg@2026.8.31', '@s/pkg@1.0.0-beta.2'])
      expect(warned(pkg), pkg).toBe(false);
  });

  it('rejects unknown keys and bad upstream names', () => {
    expect(() => configFromObject({ listen: { http: '127.0.0.1:1', extra: true } }, base)).toThrow(/listen/);
    expect(() => configFromObject({ upstreams: { 'bad name!': { command: 'x' } } }, base)).toThrow(
      /upstreams/,
    );
  });
});
