import { createHash, randomBytes } from 'node:crypto';

/** Every API key starts with this, so that scanners and humans recognise it. */
export const API_KEY_PREFIX = 'wdn_';
/** Random bytes in one API key. */
export const API_KEY_RANDOM_BYTES = 32;
/** Characters of a key shown for identification (prefix plus a few random characters). */
export const API_KEY_DISPLAY_CHARS = 8;

const API_KEY_PATTERN = /^wdn_[A-Za-z0-9_-]{43}$/;

/** A stored API key: everything but the secret, which is kept only as a SHA-256 hash. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  principal: string;
  groups: string[];
  scopes: string[];
  /** Hex SHA-256 of the full key. */
  hash: string;
  /** First characters of the key, for display. */
  prefix: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
  /** CIDRs the key may be used from; empty means any address the listener admits. */
  ipAllow: string[];
}

/** What a caller chooses when creating a key. */
export interface NewApiKey {
  principal: string;
  name?: string;
  groups?: string[];
  scopes?: string[];
  expiresAt?: number | null;
  ipAllow?: string[];
}

/** A key as returned once at creation: the secret and its record. */
export interface IssuedApiKey {
  key: string;
  record: ApiKeyRecord;
}

/** Persistent storage of API keys (SQLite now, PostgreSQL later). */
export interface KeyStore {
  create(input: NewApiKey, now?: number): Promise<IssuedApiKey>;
  list(): Promise<ApiKeyRecord[]>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  /** Marks the key revoked; false when no such key exists. */
  revoke(id: string, now?: number): Promise<boolean>;
  /**
   * Issues a new key with the same attributes (and the same lifetime, counted from now) and revokes the old one,
   * atomically; undefined when no such key exists or it is already revoked.
   */
  rotate(id: string, now?: number): Promise<IssuedApiKey | undefined>;
  /** Records last use for several keys at once (batched by the guard). */
  touch(uses: ReadonlyMap<string, number>): Promise<void>;
  /** A token that changes whenever any key changes, from this or any other process. */
  version(): Promise<string>;
  close(): Promise<void>;
}

/** Generates a new secret API key: the prefix plus base64url of 32 random bytes. */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(API_KEY_RANDOM_BYTES).toString('base64url');
}

/** Hex SHA-256 of a key, as stored. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** True when `value` has the exact shape of a Warden API key. */
export function isApiKeyShape(value: string): boolean {
  return API_KEY_PATTERN.test(value);
}

/** Builds the record of a freshly generated key. */
export function newKeyRecord(id: string, key: string, input: NewApiKey, now: number): ApiKeyRecord {
  return {
    id,
    name: input.name ?? input.principal,
    principal: input.principal,
    groups: [...(input.groups ?? [])],
    scopes: [...(input.scopes ?? [])],
    hash: hashApiKey(key),
    prefix: key.slice(0, API_KEY_DISPLAY_CHARS),
    createdAt: now,
    expiresAt: input.expiresAt ?? null,
    revokedAt: null,
    lastUsedAt: null,
    ipAllow: [...(input.ipAllow ?? [])],
  };
}
