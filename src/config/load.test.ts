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

  it('rejects unknown keys and bad upstream names', () => {
    expect(() => configFromObject({ listen: { http: '127.0.0.1:1', extra: true } }, base)).toThrow(/listen/);
    expect(() => configFromObject({ upstreams: { 'bad name!': { command: 'x' } } }, base)).toThrow(
      /upstreams/,
    );
  });
});
