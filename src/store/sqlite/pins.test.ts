import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PinStore, ToolPin } from '../../pinning/index.js';
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
