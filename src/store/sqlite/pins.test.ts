import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PinStore, ToolPin } from '../../pinning/index.js';
import Database from 'better-sqlite3';
import { openSqlitePinStore } from './pins.js';

let dir: string;
let file: string;
let store: PinStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-pins-store-'));
  file = join(dir, 'pins.db');
  store = openSqlitePinStore(file);
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const pin: ToolPin = {
  upstream: 'up',
  tool: 'a',
  hash: 'a'.repeat(64),
  definition: '{"v":"a"}',
  pinnedAt: 1,
};
const pendingB: ToolPin = { ...pin, hash: 'b'.repeat(64), definition: '{"v":"b"}', pinnedAt: 2 };
const pendingC: ToolPin = { ...pin, hash: 'c'.repeat(64), definition: '{"v":"c"}', pinnedAt: 3 };

describe('SQLite pin store approvals', () => {
  it('approves only the full pending hash: another hash or a prefix of it changes nothing', () => {
    store.save({ pins: [pin], pending: [pendingB] });
    for (const hash of ['c'.repeat(64), 'b'.repeat(16), '', 'B'.repeat(64)])
      expect(store.approve('up', 'a', hash), hash).toBe('hash-mismatch');
    expect(store.get('up', 'a')).toEqual(pin);
    expect(store.pending()).toEqual([pendingB]);
    expect(store.approve('up', 'a', 'b'.repeat(64))).toBe('approved');
    expect(store.get('up', 'a')).toMatchObject({ hash: pendingB.hash, definition: pendingB.definition });
    expect(store.pending()).toEqual([]);
  });

  it('refuses the reviewed hash once another connection (the gateway) has replaced the pending definition', () => {
    store.save({ pins: [pin], pending: [pendingB] });
    const gateway = openSqlitePinStore(file);
    gateway.save({ pins: [], pending: [pendingC] });
    gateway.close();
    expect(store.approve('up', 'a', pendingB.hash)).toBe('hash-mismatch');
    expect(store.get('up', 'a')).toEqual(pin);
    expect(store.getPending('up', 'a')).toEqual(pendingC);
  });

  it('drops settled pending definitions in the same transaction as the rest of a listing', () => {
    store.save({ pins: [pin], pending: [pendingB, { ...pendingB, upstream: 'other' }] });
    store.save({ pins: [], pending: [], settled: [{ upstream: 'up', tool: 'a' }] });
    expect(store.pending().map((p) => p.upstream)).toEqual(['other']);
    expect(store.pending('up')).toEqual([]);
    expect(store.pending('other')).toHaveLength(1);
    expect(store.approve('up', 'a', pendingB.hash)).toBe('nothing-pending');
  });

  it('forgets the pending definitions of the pins it removes', () => {
    const other = { ...pin, upstream: 'other' };
    store.save({ pins: [pin, other], pending: [pendingB, { ...other, hash: 'c'.repeat(64) }] });
    expect(store.remove('up', 'a')).toBe(1);
    expect(store.pending().map((p) => p.upstream)).toEqual(['other']);
    expect(store.approve('up', 'a', pendingB.hash)).toBe('nothing-pending');
    expect(store.remove('other')).toBe(1);
    expect(store.pending()).toEqual([]);
  });
});

describe('SQLite pin store revision', () => {
  it('moves with approvals and removals made by another connection, and with nothing else', () => {
    const other = openSqlitePinStore(file);
    try {
      const start = store.revision();
      store.save({ pins: [pin], pending: [pendingB] });
      expect(store.revision()).toBe(start);
      // Refused approvals change nothing, so gateways are not woken by them.
      expect(other.approve('up', 'a', 'c'.repeat(64))).toBe('hash-mismatch');
      expect(other.approve('up', 'missing', 'b'.repeat(64))).toBe('nothing-pending');
      expect(store.revision()).toBe(start);
      expect(other.approve('up', 'a', 'b'.repeat(64))).toBe('approved');
      expect(store.revision()).toBe(start + 1);
      expect(other.remove('up', 'a')).toBe(1);
      expect(store.revision()).toBe(start + 2);
    } finally {
      other.close();
    }
  });

  it('starts a store made before revisions existed at 0', () => {
    store.close();
    const legacy = join(dir, 'legacy.db');
    const db = new Database(legacy);
    db.exec(`CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL);
      INSERT INTO migrations VALUES ('pins.v1', 1);
      CREATE TABLE tool_pins (upstream TEXT NOT NULL, tool TEXT NOT NULL, hash TEXT NOT NULL,
        definition TEXT NOT NULL, pinned_at INTEGER NOT NULL, PRIMARY KEY (upstream, tool));
      CREATE TABLE tool_pins_pending (upstream TEXT NOT NULL, tool TEXT NOT NULL, hash TEXT NOT NULL,
        definition TEXT NOT NULL, pinned_at INTEGER NOT NULL, PRIMARY KEY (upstream, tool));`);
    db.close();
    store = openSqlitePinStore(legacy);
    expect(store.revision()).toBe(0);
    store.save({ pins: [pin], pending: [pendingB] });
    expect(store.approve('up', 'a', 'b'.repeat(64))).toBe('approved');
    expect(store.revision()).toBe(1);
  });
});
