import { afterEach, describe, expect, it, vi } from 'vitest';
import { newKeyRecord, generateApiKey, type ApiKeyRecord, type KeyStore } from '../store/keys.js';
import { createApiKeyIndex } from './api-key-index.js';

function fakeStore(records: ApiKeyRecord[]) {
  const state = {
    version: 'v1',
    fail: false,
    versionCalls: 0,
    listCalls: 0,
    touched: [] as Map<string, number>[],
  };
  const store: KeyStore = {
    create: () => Promise.reject(new Error('unused')),
    list: () => {
      state.listCalls++;
      return state.fail ? Promise.reject(new Error('store down')) : Promise.resolve(records);
    },
    get: () => Promise.resolve(undefined),
    revoke: () => Promise.resolve(false),
    rotate: () => Promise.resolve(undefined),
    touch: (uses) => {
      state.touched.push(new Map(uses));
      return Promise.resolve();
    },
    version: () => {
      state.versionCalls++;
      return state.fail ? Promise.reject(new Error('store down')) : Promise.resolve(state.version);
    },
    close: () => Promise.resolve(),
  };
  return { store, state };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createApiKeyIndex', () => {
  it('polls the store version on an unref’d timer and reloads only when it changed', async () => {
    vi.useFakeTimers();
    const key = generateApiKey();
    const records = [newKeyRecord('k1', key, { principal: 'a' }, 0)];
    const { store, state } = fakeStore(records);
    const index = await createApiKeyIndex({ store, now: Date.now, pollIntervalMs: 250 });
    expect(index.lookup(key)?.principal.id).toBe('a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(state.versionCalls).toBeGreaterThanOrEqual(4);
    expect(state.listCalls).toBe(1);
    state.version = 'v2';
    records.pop();
    await vi.advanceTimersByTimeAsync(250);
    expect(state.listCalls).toBe(2);
    expect(index.lookup(key)).toBeUndefined();
    await index.close();
  });

  it('fails closed with STORE_UNAVAILABLE when the store stays unreachable', async () => {
    vi.useFakeTimers();
    const key = generateApiKey();
    const { store, state } = fakeStore([newKeyRecord('k1', key, { principal: 'a' }, 0)]);
    const errors: unknown[] = [];
    const index = await createApiKeyIndex({
      store,
      now: Date.now,
      maxStaleMs: 2000,
      onError: (e) => errors.push(e),
    });
    state.fail = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(index.lookup(key)?.principal.id).toBe('a');
    expect(errors.length).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(1500);
    expect(() => index.lookup(key)).toThrow(expect.objectContaining({ code: 'STORE_UNAVAILABLE' }));
    expect(() => index.lookupById('k1')).toThrow(expect.objectContaining({ code: 'STORE_UNAVAILABLE' }));
    state.fail = false;
    await vi.advanceTimersByTimeAsync(300);
    expect(index.lookup(key)?.principal.id).toBe('a');
    await index.close();
  });

  it('looks keys up by id, and forgets a key the store no longer lists', async () => {
    vi.useFakeTimers();
    const records = [newKeyRecord('k1', generateApiKey(), { principal: 'a' }, 0)];
    const { store, state } = fakeStore(records);
    const index = await createApiKeyIndex({ store, now: Date.now, pollIntervalMs: 250 });
    expect(index.lookupById('k1')?.principal).toMatchObject({ id: 'a', credentialId: 'k1' });
    expect(index.lookupById('k2')).toBeUndefined();
    state.version = 'v2';
    records.pop();
    await vi.advanceTimersByTimeAsync(250);
    expect(index.lookupById('k1')).toBeUndefined();
    await index.close();
  });

  it('writes batched last-use times on the flush interval', async () => {
    vi.useFakeTimers();
    const { store, state } = fakeStore([]);
    const index = await createApiKeyIndex({ store, now: Date.now, touchFlushIntervalMs: 1000 });
    index.recordUse('k1', 5);
    index.recordUse('k1', 6);
    index.recordUse('k2', 7);
    await vi.advanceTimersByTimeAsync(500);
    expect(state.touched).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(750);
    expect(state.touched).toEqual([
      new Map([
        ['k1', 6],
        ['k2', 7],
      ]),
    ]);
    await index.close();
  });

  it('skips keys whose stored ipAllow no longer parses instead of admitting them unrestricted', async () => {
    const key = generateApiKey();
    const { store } = fakeStore([newKeyRecord('k1', key, { principal: 'a', ipAllow: ['not-a-cidr'] }, 0)]);
    const index = await createApiKeyIndex({ store, now: Date.now });
    expect(index.lookup(key)).toBeUndefined();
    await index.close();
  });
});
