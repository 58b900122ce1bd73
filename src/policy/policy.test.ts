import { describe, expect, it } from 'vitest';
import { policyConfigSchema } from '../config/access.js';
import type { Principal } from './principal.js';
import { compilePolicy } from './policy.js';

function principal(id: string, groups: string[] = []): Principal {
  return { id, groups, scopes: [], authMethod: 'api-key' };
}

function policy(
  rules: unknown[],
  defaultEffect: 'allow' | 'deny' = 'deny',
  extra: Record<string, unknown> = {},
) {
  return compilePolicy(policyConfigSchema.parse({ rules, ...extra }), { defaultEffect });
}

const alice = principal('alice', ['dev']);
const bob = principal('bob', ['ops']);

describe('compilePolicy: matching', () => {
  it('lets the first matching rule decide and falls back to the default', () => {
    const p = policy([
      { name: 'no-writes', tools: ['fs_write'], effect: 'deny' },
      { tools: ['fs_*'], effect: 'allow' },
    ]);
    expect(p.decide(alice, { name: 'fs_write' }, {})).toEqual({
      effect: 'deny',
      rule: 'no-writes',
      reason: 'denied by rule no-writes',
      code: 'POLICY_DENIED',
    });
    expect(p.decide(alice, { name: 'fs_read' }, {})).toEqual({
      effect: 'allow',
      rule: 'rules[1]',
      reason: 'allowed by rule rules[1]',
    });
    expect(p.decide(alice, { name: 'shell_run' }, {})).toEqual({
      effect: 'deny',
      rule: 'default',
      reason: 'no rule matched; default deny',
      code: 'POLICY_DENIED',
    });
  });

  it('uses the configured default over the caller’s', () => {
    expect(policy([], 'deny', { default: 'allow' }).decide(alice, { name: 'x' }, {})).toMatchObject({
      effect: 'allow',
      rule: 'default',
    });
    expect(policy([], 'allow').decide(alice, { name: 'x' }, {})).toMatchObject({
      effect: 'allow',
      rule: 'default',
    });
    expect(policy([], 'allow', { default: 'deny' }).decide(alice, { name: 'x' }, {})).toMatchObject({
      effect: 'deny',
    });
  });

  it('applies a rule to its principals or to members of its groups', () => {
    const p = policy([
      { principals: ['alice'], tools: ['a'], effect: 'allow' },
      { groups: ['ops'], tools: ['b'], effect: 'allow' },
      { principals: ['carol'], groups: ['ops'], tools: ['c'], effect: 'allow' },
      { principals: ['svc-*'], tools: ['d'], effect: 'allow' },
    ]);
    expect(p.decide(alice, { name: 'a' }, {}).effect).toBe('allow');
    expect(p.decide(bob, { name: 'a' }, {}).effect).toBe('deny');
    expect(p.decide(bob, { name: 'b' }, {}).effect).toBe('allow');
    expect(p.decide(alice, { name: 'b' }, {}).effect).toBe('deny');
    expect(p.decide(bob, { name: 'c' }, {}).effect).toBe('allow');
    expect(p.decide(principal('carol'), { name: 'c' }, {}).effect).toBe('allow');
    expect(p.decide(alice, { name: 'c' }, {}).effect).toBe('deny');
    expect(p.decide(principal('svc-ci'), { name: 'd' }, {}).effect).toBe('allow');
  });

  it('resists tool-name bypasses: case, prefixes, look-alikes, separators, spaces and stars', () => {
    const p = policy(
      [
        { tools: ['fs_read'], effect: 'allow' },
        { tools: ['shell_*'], effect: 'deny' },
      ],
      'deny',
    );
    expect(p.decide(alice, { name: 'fs_read' }, {}).effect).toBe('allow');
    for (const name of [
      'FS_READ',
      'Fs_Read',
      'fs_read_all',
      'xfs_read',
      'fs__read',
      'fs-read',
      'fs.read',
      'fs/read',
      'fs_read ',
      ' fs_read',
      'fs_read\t',
      'fѕ_read',
      'fs_reаd',
      'ｆｓ_ｒｅａｄ',
      'fs_read\u200b',
      'fs_re\u0301ad',
      'fs_*',
      '*',
      'fs_rea?',
      '',
    ]) {
      expect(p.decide(alice, { name }, {}).effect, JSON.stringify(name)).toBe('deny');
    }
  });

  it('resists principal bypasses through case and look-alikes', () => {
    const p = policy([{ principals: ['admin'], effect: 'allow' }]);
    expect(p.decide(principal('admin'), { name: 't' }, {}).effect).toBe('allow');
    for (const id of ['Admin', 'ADMIN', 'admin ', 'аdmin', 'admin\u0000', '*']) {
      expect(p.decide(principal(id), { name: 't' }, {}).effect, JSON.stringify(id)).toBe('deny');
    }
    const byGroup = policy([{ groups: ['admins'], effect: 'allow' }]);
    expect(
      byGroup.decide(principal('x', ['Admins', 'admins ', 'admin', '*']), { name: 't' }, {}).effect,
    ).toBe('deny');
  });
});

describe('compilePolicy: conditions', () => {
  it('tests arguments with equals, in, prefix, regex, maxLength and not', () => {
    const p = policy([
      { name: 'etc', tools: ['fs_read'], effect: 'deny', when: [{ pointer: '/path', prefix: '/etc/' }] },
      {
        name: 'ro',
        tools: ['fs_write'],
        effect: 'allow',
        when: [
          { pointer: '/mode', in: ['append', 'create'] },
          { pointer: '/content', maxLength: 5 },
        ],
      },
      {
        name: 'git',
        tools: ['shell_run'],
        effect: 'allow',
        when: [
          { pointer: '/command', equals: 'git' },
          { pointer: '/args/0', regex: '^(status|log)$' },
        ],
      },
      {
        name: 'nonforce',
        tools: ['deploy'],
        effect: 'allow',
        when: [{ pointer: '/force', equals: true, not: true }],
      },
      { tools: ['fs_read'], effect: 'allow' },
    ]);
    expect(p.decide(alice, { name: 'fs_read' }, { path: '/etc/passwd' })).toMatchObject({
      effect: 'deny',
      rule: 'etc',
    });
    expect(p.decide(alice, { name: 'fs_read' }, { path: '/work/a' })).toMatchObject({
      effect: 'allow',
      rule: 'rules[4]',
    });
    expect(p.decide(alice, { name: 'fs_read' }, {})).toMatchObject({ effect: 'allow' });
    expect(p.decide(alice, { name: 'fs_write' }, { mode: 'append', content: 'abc' }).effect).toBe('allow');
    expect(p.decide(alice, { name: 'fs_write' }, { mode: 'truncate', content: 'abc' }).effect).toBe('deny');
    expect(p.decide(alice, { name: 'fs_write' }, { mode: 'append', content: 'abcdef' }).effect).toBe('deny');
    expect(p.decide(alice, { name: 'fs_write' }, { mode: 'append' }).effect).toBe('deny');
    expect(p.decide(alice, { name: 'shell_run' }, { command: 'git', args: ['status'] }).effect).toBe('allow');
    expect(p.decide(alice, { name: 'shell_run' }, { command: 'git', args: ['push'] }).effect).toBe('deny');
    expect(p.decide(alice, { name: 'shell_run' }, { command: 'git', args: ['status\n'] }).effect).toBe(
      'deny',
    );
    expect(p.decide(alice, { name: 'deploy' }, { force: true }).effect).toBe('deny');
    expect(p.decide(alice, { name: 'deploy' }, { force: false }).effect).toBe('allow');
    expect(p.decide(alice, { name: 'deploy' }, {}).effect).toBe('allow');
  });

  it('compares objects and arrays structurally in equals and in', () => {
    const p = policy([
      { tools: ['t'], effect: 'allow', when: [{ pointer: '/opts', equals: { a: [1, 2] } }] },
    ]);
    expect(p.decide(alice, { name: 't' }, { opts: { a: [1, 2] } }).effect).toBe('allow');
    expect(p.decide(alice, { name: 't' }, { opts: { a: [2, 1] } }).effect).toBe('deny');
    expect(p.decide(alice, { name: 't' }, { opts: { a: [1, 2], b: 1 } }).effect).toBe('deny');
    expect(p.decide(alice, { name: 't' }, { opts: '{"a":[1,2]}' }).effect).toBe('deny');
  });

  it('fails closed when an argument has a type the operator cannot test (no type-confusion bypass)', () => {
    const p = policy([
      { tools: ['fs_read'], effect: 'deny', when: [{ pointer: '/path', prefix: '/secret' }] },
      { tools: ['fs_read'], effect: 'allow' },
    ]);
    for (const path of [['/secret/x'], { toString: '/secret' }, 42, null]) {
      expect(p.decide(alice, { name: 'fs_read' }, { path }), JSON.stringify(path)).toEqual({
        effect: 'deny',
        rule: 'error',
        reason: 'policy evaluation failed; denied',
        code: 'POLICY_ERROR',
      });
    }
  });

  it('fails closed on regex input longer than the cap instead of running it', () => {
    const p = policy([
      { tools: ['t'], effect: 'deny', when: [{ pointer: '/q', regex: 'DROP' }] },
      { tools: ['t'], effect: 'allow' },
    ]);
    expect(p.decide(alice, { name: 't' }, { q: 'select' }).effect).toBe('allow');
    expect(p.decide(alice, { name: 't' }, { q: `${'x'.repeat(5000)}DROP` })).toMatchObject({
      effect: 'deny',
      rule: 'error',
    });
  });

  it('refuses catastrophic regexes and malformed conditions when compiling', () => {
    const bad = [
      [{ tools: ['t'], effect: 'allow', when: [{ pointer: '/q', regex: '^(a+)+$' }] }],
      [{ tools: ['t'], effect: 'allow', when: [{ pointer: '/q', regex: '(' }] }],
      [{ tools: ['t'], effect: 'allow', when: [{ pointer: 'q', equals: 1 }] }],
      [{ tools: ['t'], effect: 'allow', when: [{ equals: 1 }] }],
      [{ tools: ['t'], effect: 'allow', when: [{ pointer: '/q', annotation: 'readOnlyHint' }] }],
      [{ tools: ['t'], effect: 'allow', when: [{ annotation: 'readOnlyHint', prefix: 'x' }] }],
    ];
    for (const rules of bad)
      expect(() => policy(rules), JSON.stringify(rules)).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID' }),
      );
  });

  it('makes "destructive tools need a human" one rule, with MCP annotation defaults', () => {
    const p = policy([
      { name: 'human', tools: ['*'], effect: 'ask', when: [{ annotation: 'destructiveHint' }] },
      { tools: ['*'], effect: 'allow' },
    ]);
    expect(p.decide(alice, { name: 'rm', annotations: { destructiveHint: true } }, {})).toMatchObject({
      effect: 'ask',
      rule: 'human',
      reason: 'needs approval by rule human',
    });
    expect(p.decide(alice, { name: 'unknown' }, {}).effect).toBe('ask');
    expect(p.decide(alice, { name: 'ls', annotations: { readOnlyHint: true } }, {}).effect).toBe('allow');
    expect(p.decide(alice, { name: 'add', annotations: { destructiveHint: false } }, {}).effect).toBe(
      'allow',
    );
    expect(
      p.decide(alice, { name: 'liar', annotations: { readOnlyHint: true, destructiveHint: true } }, {})
        .effect,
    ).toBe('ask');
    const openWorld = policy(
      [{ tools: ['*'], effect: 'deny', when: [{ annotation: 'openWorldHint', equals: true }] }],
      'allow',
    );
    expect(openWorld.decide(alice, { name: 'x' }, {}).effect).toBe('deny');
    expect(openWorld.decide(alice, { name: 'x', annotations: { openWorldHint: false } }, {}).effect).toBe(
      'allow',
    );
  });

  it('caches per principal and tool without letting annotations or args leak between calls', () => {
    const p = policy([
      { tools: ['t'], effect: 'deny', when: [{ annotation: 'readOnlyHint', not: true }] },
      { tools: ['t'], effect: 'allow', when: [{ pointer: '/ok', equals: true }] },
    ]);
    for (let i = 0; i < 3; i++) {
      expect(p.decide(alice, { name: 't', annotations: { readOnlyHint: true } }, { ok: true }).effect).toBe(
        'allow',
      );
      expect(p.decide(alice, { name: 't', annotations: { readOnlyHint: true } }, { ok: false }).effect).toBe(
        'deny',
      );
      expect(p.decide(alice, { name: 't' }, { ok: true }).effect).toBe('deny');
    }
  });
});

describe('compilePolicy: visibleTools and explain', () => {
  const tools = [
    { name: 'fs_read' },
    { name: 'fs_write' },
    { name: 'shell_run' },
    { name: 'rm', annotations: { destructiveHint: true } },
    { name: 'cond' },
  ];
  const p = policy([
    { tools: ['fs_write'], effect: 'deny' },
    { tools: ['fs_*'], effect: 'allow' },
    { tools: ['rm'], effect: 'ask' },
    { principals: ['bob'], tools: ['shell_run'], effect: 'allow' },
    { tools: ['cond'], effect: 'allow', when: [{ pointer: '/x', equals: 1 }] },
  ]);

  it('shows each principal only the tools it could call', () => {
    expect(p.visibleTools(alice, tools).map((t) => t.name)).toEqual(['fs_read', 'rm', 'cond']);
    expect(p.visibleTools(bob, tools).map((t) => t.name)).toEqual(['fs_read', 'shell_run', 'rm', 'cond']);
  });

  it('hides a tool whose conditional rules all deny and whose default is unreachable', () => {
    const q = policy(
      [
        { tools: ['t'], effect: 'deny', when: [{ pointer: '/x', equals: 1 }] },
        { tools: ['t'], effect: 'deny' },
      ],
      'allow',
    );
    expect(q.visibleTools(alice, [{ name: 't' }, { name: 'u' }]).map((t) => t.name)).toEqual(['u']);
  });

  it('explains the decision with the trace of rules considered', () => {
    expect(p.explain(alice, { name: 'cond' }, { x: 2 })).toEqual({
      decision: {
        effect: 'deny',
        rule: 'default',
        reason: 'no rule matched; default deny',
        code: 'POLICY_DENIED',
      },
      trace: [
        { rule: 'rules[0]', effect: 'deny', matched: false, reason: 'tool does not match' },
        { rule: 'rules[1]', effect: 'allow', matched: false, reason: 'tool does not match' },
        { rule: 'rules[2]', effect: 'ask', matched: false, reason: 'tool does not match' },
        { rule: 'rules[3]', effect: 'allow', matched: false, reason: 'principal does not match' },
        {
          rule: 'rules[4]',
          effect: 'allow',
          matched: false,
          reason: 'condition rules[4].when[0] does not hold',
        },
      ],
    });
    expect(p.explain(alice, { name: 'fs_read' }, {}).decision).toEqual({
      effect: 'allow',
      rule: 'rules[1]',
      reason: 'allowed by rule rules[1]',
    });
    expect(p.explain(alice, { name: 'fs_read' }, {}).trace).toHaveLength(2);
  });

  it('explains evaluation failures as a denial by "error"', () => {
    const q = policy([{ tools: ['t'], effect: 'allow', when: [{ pointer: '/p', prefix: 'a' }] }]);
    expect(q.explain(alice, { name: 't' }, { p: 1 })).toEqual({
      decision: {
        effect: 'deny',
        rule: 'error',
        reason: 'policy evaluation failed; denied',
        code: 'POLICY_ERROR',
      },
      trace: [
        {
          rule: 'error',
          effect: 'deny',
          matched: true,
          reason: 'condition rules[0].when[0] met a value of the wrong type',
        },
      ],
    });
  });

  it('reports evaluation failures to onError', () => {
    const errors: unknown[] = [];
    const q = compilePolicy(
      policyConfigSchema.parse({
        rules: [{ tools: ['t'], effect: 'allow', when: [{ pointer: '/p', prefix: 'a' }] }],
      }),
      {
        defaultEffect: 'deny',
        onError: (e) => errors.push(e),
      },
    );
    q.decide(alice, { name: 't' }, { p: [] });
    expect(errors).toHaveLength(1);
  });
});
