import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { policyCommand } from './policy.js';
import { runCommand, type CommandRun } from './test-run-command.js';

let dir: string;
let config: string;

const CONFIG = `
policy:
  rules:
    - name: no-secrets
      tools: [fs_read]
      effect: deny
      when: [{ pointer: /path, prefix: /secrets/ }]
    - name: devs-read
      groups: [dev]
      tools: ["fs_*"]
      effect: allow
    - name: human
      tools: ["*"]
      effect: ask
      when: [{ annotation: destructiveHint }]
`;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-policy-cli-'));
  config = join(dir, 'warden.yaml');
  writeFileSync(config, CONFIG);
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]): Promise<CommandRun> {
  return runCommand((io) => policyCommand({ ...io }), args);
}

describe('warden policy explain', () => {
  it('prints the decision and the deciding rule', async () => {
    const r = await run([
      'explain',
      '--config',
      config,
      '--principal',
      'alice',
      '--groups',
      'dev',
      '--tool',
      'fs_read',
      '--args',
      '{"path":"/secrets/k"}',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('deny (rule: no-secrets) denied by rule no-secrets\n  → no-secrets [deny] matched\n');
  });

  it('prints JSON with the trace', async () => {
    const r = await run([
      'explain',
      '--config',
      config,
      '--principal',
      'bob',
      '--tool',
      'rm',
      '--annotations',
      '{"destructiveHint":true}',
      '--json',
    ]);
    expect(JSON.parse(r.out)).toEqual({
      decision: { effect: 'ask', rule: 'human', reason: 'needs approval by rule human' },
      trace: [
        { rule: 'no-secrets', effect: 'deny', matched: false, reason: 'tool does not match' },
        { rule: 'devs-read', effect: 'allow', matched: false, reason: 'principal does not match' },
        { rule: 'human', effect: 'ask', matched: true, reason: 'matched' },
      ],
    });
  });

  it('applies the stdio default when asked', async () => {
    const r = await run([
      'explain',
      '--config',
      config,
      '--principal',
      'local',
      '--tool',
      'x',
      '--annotations',
      '{"readOnlyHint":true}',
      '--transport',
      'stdio',
    ]);
    expect(r.out.split('\n')[0]).toBe('allow (rule: default) no rule matched; default allow');
  });

  it('refuses malformed --args and --annotations', async () => {
    expect(
      (await run(['explain', '--config', config, '--principal', 'a', '--tool', 't', '--args', '{nope'])).code,
    ).toBe(2);
    expect(
      (
        await run([
          'explain',
          '--config',
          config,
          '--principal',
          'a',
          '--tool',
          't',
          '--annotations',
          '{"destructiveHint":"yes"}',
        ])
      ).code,
    ).toBe(2);
    expect(
      (await run(['explain', '--config', config, '--principal', 'a', '--tool', 't', '--transport', 'tcp']))
        .code,
    ).toBe(2);
  });
});

describe('warden policy test', () => {
  it('passes a table whose expectations hold', async () => {
    const table = join(dir, 'cases.yaml');
    writeFileSync(
      table,
      `- { principal: alice, groups: [dev], tool: fs_read, args: { path: /work/a }, expect: allow }
- { principal: alice, groups: [dev], tool: fs_read, args: { path: /secrets/a }, expect: deny }
- { principal: bob, tool: fs_read, expect: ask }
- { principal: bob, tool: fs_read, annotations: { readOnlyHint: true }, expect: deny }
- { principal: bob, tool: FS_READ, annotations: { readOnlyHint: true }, expect: allow, transport: stdio }
`,
    );
    const r = await run(['test', table, '--config', config]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^RESULT\s+CASE\s+EXPECTED\s+ACTUAL\s+RULE\n/);
    expect(r.out).toMatch(/5 passed, 0 failed\n$/);
  });

  it('exits 1 and marks the failing row when an expectation does not hold (JSON tables too)', async () => {
    const table = join(dir, 'cases.json');
    writeFileSync(
      table,
      JSON.stringify({
        cases: [
          {
            name: 'bypass',
            principal: 'mallory',
            tool: 'fs_read',
            args: { path: '/secrets/x' },
            expect: 'allow',
          },
        ],
      }),
    );
    const r = await run(['test', table, '--config', config]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL\s+bypass\s+allow\s+deny\s+no-secrets/);
    expect(r.out).toMatch(/0 passed, 1 failed\n$/);
  });

  it('refuses malformed tables with exit 2', async () => {
    for (const text of [
      '- { principal: a, tool: t }',
      '- { principal: a, tool: t, expect: maybe }',
      'just text',
      '- { principal: a, tool: t, expect: allow, extra: 1 }',
    ]) {
      const table = join(dir, 'bad.yaml');
      writeFileSync(table, text);
      const r = await run(['test', table, '--config', config]);
      expect(r.code, text).toBe(2);
      expect(r.err).toMatch(/bad\.yaml/);
    }
    expect((await run(['test', join(dir, 'missing.yaml'), '--config', config])).code).toBe(2);
  });

  it('keeps control characters from the table out of the terminal', async () => {
    const table = join(dir, 'cases.json');
    writeFileSync(
      table,
      JSON.stringify([{ name: 'x\u001b[2Jy', principal: 'a', tool: 't', expect: 'deny' }]),
    );
    const r = await run(['test', table, '--config', config]);
    expect(r.out).not.toContain('\u001b');
    expect(r.out).toContain('x?[2Jy');
  });
});
