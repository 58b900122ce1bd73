import { hash, timingSafeEqual } from 'node:crypto';
import { WardenError } from '../errors/index.js';
import type { Principal } from '../policy/principal.js';
import type { ApiKeyRecord, KeyStore } from '../store/keys.js';
import { compileIpAllowList, type IpAllowList } from './cidr.js';

/** How often the store is asked whether keys changed (revocations become visible within this). */
export const DEFAULT_KEY_POLL_INTERVAL_MS = 250;
/** Least time between two reloads triggered by unknown keys (bounds the cost of key-guessing floods). */
export const DEFAULT_KEY_MISS_RELOAD_INTERVAL_MS = 1000;
/** How often batched last-use times are written. */
export const DEFAULT_KEY_TOUCH_FLUSH_INTERVAL_MS = 5000;
/** Without a successful refresh for this long, key lookups fail closed. */
export const DEFAULT_KEY_MAX_STALE_MS = 10_000;

/** One indexed key with what the hot path needs, precomputed. */
export interface IndexedKey {
  readonly record: ApiKeyRecord;
  readonly hash: Buffer;
  readonly principal: Principal;
  readonly ipAllow: IpAllowList;
}

/** Options for {@link createApiKeyIndex}. */
export interface ApiKeyIndexOptions {
  store: KeyStore;
  now: () => number;
  /** @default DEFAULT_KEY_POLL_INTERVAL_MS */
  pollIntervalMs?: number;
  /** @default DEFAULT_KEY_MISS_RELOAD_INTERVAL_MS */
  missReloadIntervalMs?: number;
  /** @default DEFAULT_KEY_TOUCH_FLUSH_INTERVAL_MS */
  touchFlushIntervalMs?: number;
  /** @default DEFAULT_KEY_MAX_STALE_MS */
  maxStaleMs?: number;
  /** Told about failed background refreshes (for logging). */
  onError?: (error: unknown) => void;
}

/** In-memory index of API-key hashes, kept in step with the store. */
export interface ApiKeyIndex {
  /** Synchronous lookup of a presented key; undefined when unknown. */
  lookup(key: string): IndexedKey | undefined;
  /** Synchronous lookup by key id (to re-check an open session's key); like lookup, throws when the index is stale. */
  lookupById(id: string): IndexedKey | undefined;
  /** Reloads after a miss, at most once per miss-reload interval; true when it reloaded. */
  reloadAfterMiss(): Promise<boolean>;
  /** Reloads when the store's version changed. */
  refresh(): Promise<void>;
  recordUse(id: string, at: number): void;
  flushUses(): Promise<void>;
  close(): Promise<void>;
}

function indexKey(record: ApiKeyRecord): IndexedKey {
  const principal: Principal = Object.freeze({
    id: record.principal,
    groups: Object.freeze([...record.groups]),
    scopes: Object.freeze([...record.scopes]),
    authMethod: 'api-key',
    credentialId: record.id,
  });
  return {
    record,
    hash: Buffer.from(record.hash, 'hex'),
    principal,
    ipAllow: compileIpAllowList(record.ipAllow),
  };
}

/** Loads every key from the store and starts the unref'd poll timer. */
export async function createApiKeyIndex(options: ApiKeyIndexOptions): Promise<ApiKeyIndex> {
  const { store, now } = options;
  const missInterval = options.missReloadIntervalMs ?? DEFAULT_KEY_MISS_RELOAD_INTERVAL_MS;
  const flushInterval = options.touchFlushIntervalMs ?? DEFAULT_KEY_TOUCH_FLUSH_INTERVAL_MS;
  const maxStale = options.maxStaleMs ?? DEFAULT_KEY_MAX_STALE_MS;
  let byHash = new Map<string, IndexedKey>();
  let byId = new Map<string, IndexedKey>();
  let version = '';
  let lastGoodRefresh = now();
  let lastMissReload = -Infinity;
  let lastFlush = now();
  let pendingUses = new Map<string, number>();
  let inFlight: Promise<void> | undefined;

  const load = async (): Promise<void> => {
    const nextVersion = await store.version();
    const records = await store.list();
    const next = new Map<string, IndexedKey>();
    const nextById = new Map<string, IndexedKey>();
    for (const record of records) {
      try {
        const indexed = indexKey(record);
        next.set(record.hash, indexed);
        nextById.set(record.id, indexed);
      } catch (error) {
        // A key whose stored ipAllow no longer parses must not work at all.
        if (!(error instanceof WardenError)) throw error;
      }
    }
    byHash = next;
    byId = nextById;
    version = nextVersion;
    lastGoodRefresh = now();
  };

  const refresh = (): Promise<void> => {
    inFlight ??= (async () => {
      try {
        if ((await store.version()) !== version) await load();
        else lastGoodRefresh = now();
        if (pendingUses.size > 0 && now() - lastFlush >= flushInterval) await flushUses();
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };

  const flushUses = async (): Promise<void> => {
    lastFlush = now();
    if (pendingUses.size === 0) return;
    const uses = pendingUses;
    pendingUses = new Map();
    await store.touch(uses);
  };

  const failIfStale = (): void => {
    if (now() - lastGoodRefresh > maxStale) throw new WardenError('STORE_UNAVAILABLE', 'key index is stale');
  };

  await load();
  const timer = setInterval(() => {
    // On failure keep serving from the last index; lookups fail closed once it is older than maxStaleMs.
    refresh().catch((error: unknown) => options.onError?.(error));
  }, options.pollIntervalMs ?? DEFAULT_KEY_POLL_INTERVAL_MS);
  timer.unref();

  return {
    lookup(key) {
      failIfStale();
      const digest = hash('sha256', key, 'buffer');
      const found = byHash.get(digest.toString('hex'));
      return found && timingSafeEqual(found.hash, digest) ? found : undefined;
    },
    lookupById(id) {
      failIfStale();
      return byId.get(id);
    },
    async reloadAfterMiss() {
      if (now() - lastMissReload < missInterval) return false;
      lastMissReload = now();
      await load();
      return true;
    },
    refresh,
    recordUse(id, at) {
      pendingUses.set(id, at);
    },
    flushUses,
    async close() {
      clearInterval(timer);
      await inFlight;
      await flushUses();
    },
  };
}
