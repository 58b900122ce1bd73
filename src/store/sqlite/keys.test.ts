import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashApiKey, isApiKeyShape, type KeyStore } from '../keys.js';
import { openSqliteKeyStore } from './keys.js';

let dir: string;
let file: string;
let store: KeyStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-keys-'));
  file = join(dir, 'warden.db');
  store = openSqliteKeyStore(file);
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('openSqliteKeyStore', () => {
  it('creates a key shown once and stores only its hash', async () => {
    const { key, record } = await store.create(
      { principal: 'alice', groups: ['dev'], scopes: ['tools'], ipAllow: ['10.0.0.0/8'], expiresAt: 5000 },
      1000,
    );
    expect(isApiKeyShape(key)).toBe(true);
    expect(record).toEqual({
      id: expect.stringMatching(/^key_[A-Za-z0-9_-]{12}$/),
      name: 'alice',
      principal: 'alice',
      groups: ['dev'],
      scopes: ['tools'],
      hash: hashApiKey(key),
      prefix: key.slice(0, 8),
      createdAt: 1000,
      expiresAt: 5000,
      revokedAt: null,
      lastUsedAt: null,
      ipAllow: ['10.0.0.0/8'],
    });
    expect(await store.get(record.id)).toEqual(record);
    expect(await store.list()).toEqual([record]);
    await store.close();
    const raw =
      readFileSync(file).toString('latin1') + readFileSync(`${file}-wal`, { flag: 'a+' }).toString('latin1');
    expect(raw.includes(key)).toBe(false);
    expect(raw.includes(key.slice(8))).toBe(false);
    store = openSqliteKeyStore(file);
  });

  it('generates distinct keys', async () => {
    const a = await store.create({ principal: 'p' });
    const b = await store.create({ principal: 'p' });
    expect(a.key).not.toBe(b.key);
    expect(a.record.id).not.toBe(b.record.id);
  });

  it('revokes, reports unknown ids, and keeps the first revocation time', async () => {
    const { record } = await store.create({ principal: 'bob' }, 1);
    expect(await store.revoke(record.id, 10)).toBe(true);
    expect(await store.revoke(record.id, 20)).toBe(true);
    expect((await store.get(record.id))?.revokedAt).toBe(10);
    expect(await store.revoke('key_nope', 10)).toBe(false);
    expect(await store.get('key_nope')).toBeUndefined();
  });

  it('rotates: a new key with the same attributes, the old one revoked', async () => {
    const old = await store.create(
      { principal: 'svc', name: 'ci', groups: ['bots'], scopes: ['s'], ipAllow: ['::1'], expiresAt: 99_999 },
      5,
    );
    const rotated = await store.rotate(old.record.id, 50);
    expect(rotated?.key).not.toBe(old.key);
    expect(rotated?.record).toMatchObject({
      principal: 'svc',
      name: 'ci',
      groups: ['bots'],
      scopes: ['s'],
      ipAllow: ['::1'],
      expiresAt: 100_044,
      createdAt: 50,
      revokedAt: null,
    });
    expect((await store.get(old.record.id))?.revokedAt).toBe(50);
    expect(await store.rotate('key_missing')).toBeUndefined();
    // A revoked key cannot be rotated back to life.
    expect(await store.rotate(old.record.id, 60)).toBeUndefined();
  });

  it('records last use in batches and never moves it backwards', async () => {
    const a = await store.create({ principal: 'a' });
    const b = await store.create({ principal: 'b' });
    await store.touch(
      new Map([
        [a.record.id, 100],
        [b.record.id, 200],
      ]),
    );
    await store.touch(new Map([[a.record.id, 50]]));
    expect((await store.get(a.record.id))?.lastUsedAt).toBe(100);
    expect((await store.get(b.record.id))?.lastUsedAt).toBe(200);
  });

  it('changes its version on its own writes and on writes by another connection', async () => {
    const v0 = await store.version();
    const { record } = await store.create({ principal: 'a' });
    const v1 = await store.version();
    expect(v1).not.toBe(v0);
    const other = openSqliteKeyStore(file);
    await other.revoke(record.id);
    await other.close();
    expect(await store.version()).not.toBe(v1);
  });

  it('refuses malformed rows instead of trusting them', async () => {
    const { record } = await store.create({ principal: 'a' });
    const db = new Database(file);
    db.prepare('UPDATE api_keys SET groups_json = \'{"x":1}\' WHERE id = ?').run(record.id);
    db.close();
    await expect(store.list()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
