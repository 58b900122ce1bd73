import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { WardenError } from '../../errors/index.js';
import {
  generateApiKey,
  newKeyRecord,
  type ApiKeyRecord,
  type IssuedApiKey,
  type KeyStore,
  type NewApiKey,
} from '../keys.js';
import { openSqlite, type SqliteMigration } from './open.js';

/** Schema of the api_keys table. */
export const KEYS_MIGRATIONS: readonly SqliteMigration[] = [
  {
    name: 'keys.v1',
    sql: `CREATE TABLE IF NOT EXISTS api_keys (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      principal TEXT NOT NULL,
      groups_json TEXT NOT NULL,
      scopes_json TEXT NOT NULL,
      hash TEXT NOT NULL UNIQUE,
      prefix TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      expires_at INTEGER,
      revoked_at INTEGER,
      last_used_at INTEGER,
      ip_allow_json TEXT NOT NULL
    )`,
  },
];

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return { unparseable: String(error) };
  }
}

const jsonStrings = z.string().transform((text, ctx) => {
  const parsed = z.array(z.string()).safeParse(parseJson(text));
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: 'not a JSON array of strings' });
    return z.NEVER;
  }
  return parsed.data;
});

const rowSchema = z.object({
  id: z.string(),
  name: z.string(),
  principal: z.string(),
  groups_json: jsonStrings,
  scopes_json: jsonStrings,
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  prefix: z.string(),
  created_at: z.number(),
  expires_at: z.number().nullable(),
  revoked_at: z.number().nullable(),
  last_used_at: z.number().nullable(),
  ip_allow_json: jsonStrings,
});

function toRecord(row: unknown): ApiKeyRecord {
  const parsed = rowSchema.safeParse(row);
  if (!parsed.success)
    throw new WardenError('STORE_UNAVAILABLE', 'malformed key row', { cause: parsed.error });
  const r = parsed.data;
  return {
    id: r.id,
    name: r.name,
    principal: r.principal,
    groups: r.groups_json,
    scopes: r.scopes_json,
    hash: r.hash,
    prefix: r.prefix,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
    ipAllow: r.ip_allow_json,
  };
}

/** Runs synchronous SQLite work, turning a throw into a rejected promise. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function newKeyId(): string {
  return `key_${randomBytes(9).toString('base64url')}`;
}

/** Opens the API-key table of the embedded SQLite store (creating it if needed). */
export function openSqliteKeyStore(file: string): KeyStore {
  const db = openSqlite(file, KEYS_MIGRATIONS);
  const insert = db.prepare(
    `INSERT INTO api_keys (id, name, principal, groups_json, scopes_json, hash, prefix, created_at, expires_at,
      revoked_at, last_used_at, ip_allow_json) VALUES (@id, @name, @principal, @groups, @scopes, @hash, @prefix,
      @createdAt, @expiresAt, @revokedAt, @lastUsedAt, @ipAllow)`,
  );
  const selectAll = db.prepare('SELECT * FROM api_keys ORDER BY created_at, rowid');
  const selectOne = db.prepare('SELECT * FROM api_keys WHERE id = ?');
  const revokeOne = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const existsOne = db.prepare('SELECT 1 AS one FROM api_keys WHERE id = ?');
  const touchOne = db.prepare(
    'UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)',
  );
  // data_version changes only for commits made by other connections; count our own writes separately.
  let localWrites = 0;

  const insertRecord = (input: NewApiKey, now: number): IssuedApiKey => {
    const key = generateApiKey();
    const record = newKeyRecord(newKeyId(), key, input, now);
    insert.run({
      ...record,
      groups: JSON.stringify(record.groups),
      scopes: JSON.stringify(record.scopes),
      ipAllow: JSON.stringify(record.ipAllow),
    });
    localWrites++;
    return { key, record };
  };

  const rotateTx = db.transaction((id: string, now: number): IssuedApiKey | undefined => {
    const row: unknown = selectOne.get(id);
    if (row === undefined) return undefined;
    const old = toRecord(row);
    // Rotating must never bring a revoked key's access back.
    if (old.revokedAt !== null) return undefined;
    revokeOne.run(now, id);
    // The new key gets the same lifetime the old one was given.
    const expiresAt = old.expiresAt === null ? null : now + (old.expiresAt - old.createdAt);
    return insertRecord(
      {
        principal: old.principal,
        name: old.name,
        groups: old.groups,
        scopes: old.scopes,
        expiresAt,
        ipAllow: old.ipAllow,
      },
      now,
    );
  });

  const touchTx = db.transaction((uses: ReadonlyMap<string, number>) => {
    for (const [id, at] of uses) touchOne.run(at, id, at);
  });

  return {
    create: (input, now = Date.now()) => settle(() => insertRecord(input, now)),
    list: () => settle(() => selectAll.all().map(toRecord)),
    get: (id) =>
      settle(() => {
        const row: unknown = selectOne.get(id);
        return row === undefined ? undefined : toRecord(row);
      }),
    revoke: (id, now = Date.now()) =>
      settle(() => {
        if (existsOne.get(id) === undefined) return false;
        revokeOne.run(now, id);
        localWrites++;
        return true;
      }),
    rotate: (id, now = Date.now()) => settle(() => rotateTx(id, now)),
    touch: (uses) =>
      settle(() => {
        if (uses.size > 0) touchTx(uses);
      }),
    version: () =>
      settle(() => {
        const dataVersion: unknown = db.pragma('data_version', { simple: true });
        return `${String(dataVersion)}:${localWrites}`;
      }),
    close: () => settle(() => void db.close()),
  };
}
