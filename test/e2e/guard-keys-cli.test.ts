import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { authConfigSchema, limitsConfigSchema } from '../../src/config/access.js';
import { isWardenError } from '../../src/errors/index.js';
import { createGuard, type Guard } from '../../src/guard/index.js';
import { openSqliteKeyStore } from '../../src/store/sqlite/keys.js';
import type { KeyStore } from '../../src/store/keys.js';
import { CLI, runCli } from './helpers/cli.js';

let dir: string;
let config: string;
let keys: KeyStore;
let guard: Guard;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-guard-e2e-'));
  config = join(dir, 'warden.yaml');
  writeFileSync(
    config,
    [
      'store: { sqlite: state/warden.db }',
      'policy:',
      '  rules:',
      '    - { name: ops-shell, groups: [ops], tools: [shell_run], effect: allow }',
      '    - { name: no-etc, tools: ["fs_*"], effect: deny, when: [{ pointer: /path, prefix: /etc/ }] }',
      '    - { tools: ["fs_*"], effect: allow }',
      '',
    ].join('\n'),
  );
  // The CLI creates the store on first use; the gateway (here: an in-process guard) watches the same file.
  expect((await runCli(['keys', 'list', '--config', config])).code).toBe(0);
  keys = openSqliteKeyStore(join(dir, 'state/warden.db'));
  guard = await createGuard({
    auth: authConfigSchema.parse({}),
    limits: limitsConfigSchema.parse({}),
    keys,
    listenIsLoopback: true,
  });
});

afterEach(async () => {
  await guard.close();
  await keys.close();
  rmSync(dir, { recursive: true, force: true });
});

async function authCode(key: string): Promise<string> {
  try {
    await guard.authenticate({
      headers: { authorization: `Bearer ${key}` },
      remoteAddress: '127.0.0.1',
      url: '/mcp',
    });
    return 'ok';
  } catch (error) {
    if (isWardenError(error)) return error.code;
    throw error;
  }
}

describe.skipIf(!existsSync(CLI))('API keys and policy across processes (built CLI)', () => {
  it('a key created by `warden keys create` works at once; `revoke` takes effect within a second', async () => {
    const created = await runCli([
      'keys',
      'create',
      '--config',
      config,
      '--principal',
      'alice',
      '--groups',
      'ops',
      '--json',
    ]);
    expect(created.code).toBe(0);
    const { key, id } = JSON.parse(created.stdout);
    expect(await authCode(key)).toBe('ok');

    const listed = await runCli(['keys', 'list', '--config', config]);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).not.toContain(key);

    expect((await runCli(['keys', 'revoke', id, '--config', config])).code).toBe(0);
    const revokedAt = Date.now();
    await vi.waitFor(async () => expect(await authCode(key)).toBe('AUTH_REVOKED'), {
      timeout: 1000,
      interval: 25,
    });
    expect(Date.now() - revokedAt).toBeLessThan(1000);
  });

  it('`keys rotate` hands out a working key and retires the old one', async () => {
    const { key, id } = JSON.parse(
      (await runCli(['keys', 'create', '--config', config, '--principal', 'bot', '--json'])).stdout,
    );
    const rotated = await runCli(['keys', 'rotate', id, '--config', config, '--json']);
    expect(rotated.code).toBe(0);
    const fresh = JSON.parse(rotated.stdout);
    await vi.waitFor(async () => expect(await authCode(key)).toBe('AUTH_REVOKED'), {
      timeout: 1000,
      interval: 25,
    });
    expect(await authCode(fresh.key)).toBe('ok');
  });

  it('`policy explain` and `policy test` report decisions with exit codes', async () => {
    const explained = await runCli([
      'policy',
      'explain',
      '--config',
      config,
      '--principal',
      'alice',
      '--tool',
      'fs_read',
      '--args',
      '{"path":"/etc/shadow"}',
    ]);
    expect(explained.code).toBe(0);
    expect(explained.stdout.split('\n')[0]).toBe('deny (rule: no-etc) denied by rule no-etc');

    const table = join(dir, 'cases.yaml');
    writeFileSync(
      table,
      '- { principal: alice, groups: [ops], tool: shell_run, expect: allow }\n- { principal: eve, tool: shell_run, expect: deny }\n',
    );
    expect((await runCli(['policy', 'test', table, '--config', config])).code).toBe(0);
    writeFileSync(table, '- { principal: eve, groups: [Ops], tool: shell_run, expect: allow }\n');
    const failing = await runCli(['policy', 'test', table, '--config', config]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/FAIL/);
  });
});
