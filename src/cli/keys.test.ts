import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashApiKey, isApiKeyShape } from '../store/keys.js';
import { openSqliteKeyStore } from '../store/sqlite/keys.js';
import { keysCommand } from './keys.js';
import { runCommand, type CommandRun } from './test-run-command.js';

let dir: string;
let db: string;
const NOW = Date.UTC(2026, 0, 1);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-keys-cli-'));
  db = join(dir, 'warden.db');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]): Promise<CommandRun> {
  return runCommand((io) => keysCommand({ ...io, now: () => NOW }), args);
}

describe('warden keys', () => {
  it('create --json prints the key once with its record, and only the hash is stored', async () => {
    const r = await run([
      'create',
      '--db',
      db,
      '--principal',
      'alice',
      '--name',
      'laptop',
      '--groups',
      'dev, ops',
      '--scopes',
      'a',
      '--expires',
      '30d',
      '--ip-allow',
      '10.0.0.0/8,::1',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out).toEqual({
      key: expect.stringMatching(/^wdn_[A-Za-z0-9_-]{43}$/),
      id: expect.stringMatching(/^key_/),
      name: 'laptop',
      principal: 'alice',
      groups: ['dev', 'ops'],
      scopes: ['a'],
      prefix: out.key.slice(0, 8),
      ipAllow: ['10.0.0.0/8', '::1'],
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-31T00:00:00.000Z',
      revokedAt: null,
      lastUsedAt: null,
      status: 'active',
    });
    const store = openSqliteKeyStore(db);
    expect((await store.list())[0]?.hash).toBe(hashApiKey(out.key));
    await store.close();
  });

  it('create without --json prints just the key on stdout and the warning on stderr', async () => {
    const r = await run(['create', '--db', db, '--principal', 'bob']);
    expect(r.code).toBe(0);
    expect(isApiKeyShape(r.out.trim())).toBe(true);
    expect(r.err).toMatch(/only time the key is shown/);
  });

  it('refuses bad input: missing principal, bad duration, bad CIDR, control characters', async () => {
    for (const args of [
      ['create', '--db', db],
      ['create', '--db', db, '--principal', 'a', '--expires', '30x'],
      ['create', '--db', db, '--principal', 'a', '--expires', '0d'],
      ['create', '--db', db, '--principal', 'a', '--ip-allow', '10.0.0.0/40'],
      ['create', '--db', db, '--principal', 'evil\nKEY wdn_fake'],
      ['create', '--db', db, '--principal', ''],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
    }
    const store = openSqliteKeyStore(db);
    expect(await store.list()).toEqual([]);
    await store.close();
  });

  it('lists keys without secrets or hashes, as a table and as JSON', async () => {
    const created = JSON.parse((await run(['create', '--db', db, '--principal', 'alice', '--json'])).out);
    const text = await run(['list', '--db', db]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^ID\s+NAME\s+PRINCIPAL/);
    expect(text.out).toContain(created.id);
    expect(text.out).not.toContain(created.key);
    expect(text.out).not.toContain(hashApiKey(created.key));
    const json = JSON.parse((await run(['list', '--db', db, '--json'])).out);
    expect(json).toEqual([{ ...created, key: undefined }].map(({ key: _key, ...rest }) => rest));
  });

  it('revokes and rotates, with exit 1 for unknown ids', async () => {
    const created = JSON.parse(
      (await run(['create', '--db', db, '--principal', 'alice', '--expires', '1d', '--json'])).out,
    );
    const rotated = await run(['rotate', created.id, '--db', db, '--json']);
    expect(rotated.code).toBe(0);
    const fresh = JSON.parse(rotated.out);
    expect(fresh.key).not.toBe(created.key);
    expect(fresh).toMatchObject({
      principal: 'alice',
      expiresAt: '2026-01-02T00:00:00.000Z',
      status: 'active',
    });
    expect(
      JSON.parse((await run(['list', '--db', db, '--json'])).out).map((k: { status: string }) => k.status),
    ).toEqual(['revoked', 'active']);
    expect((await run(['rotate', created.id, '--db', db])).code).toBe(1);
    expect((await run(['revoke', fresh.id, '--db', db])).code).toBe(0);
    expect((await run(['revoke', 'key_unknown', '--db', db])).code).toBe(1);
    expect((await run(['rotate', 'key_unknown', '--db', db])).code).toBe(1);
  });

  it('finds the store through --config', async () => {
    writeFileSync(join(dir, 'warden.yaml'), 'store:\n  sqlite: data/keys.db\n');
    const r = await run(['create', '--config', join(dir, 'warden.yaml'), '--principal', 'alice']);
    expect(r.code).toBe(0);
    const store = openSqliteKeyStore(join(dir, 'data/keys.db'));
    expect(await store.list()).toHaveLength(1);
    await store.close();
  });

  it('reports a missing config as a usage error without a stack trace', async () => {
    const r = await run(['list', '--config', join(dir, 'nope.yaml')]);
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
