import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** A schema step: idempotent DDL (CREATE ... IF NOT EXISTS) owned by one module. */
export interface SqliteMigration {
  /** Unique name, e.g. "keys.v1". */
  name: string;
  sql: string;
}

/** Options for {@link openSqlite}. */
export interface OpenSqliteOptions {
  readonly?: boolean;
  /** FULL makes every commit durable (fsync) in WAL mode. @default 'FULL' */
  synchronous?: 'FULL' | 'NORMAL';
}

/**
 * Opens (creating if needed) the embedded SQLite store in WAL mode and applies the given migrations.
 * Each process or worker opens its own connection; WAL lets readers and one writer work at once.
 */
export function openSqlite(
  file: string,
  migrations: readonly SqliteMigration[],
  options: OpenSqliteOptions = {},
): Database.Database {
  if (!options.readonly && file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
  });
  db.pragma('busy_timeout = 5000');
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.exec('CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
    const applied = db.prepare<[string], { name: string }>('SELECT name FROM migrations WHERE name = ?');
    const record = db.prepare('INSERT INTO migrations (name, applied_at) VALUES (?, ?)');
    for (const m of migrations) {
      if (applied.get(m.name)) continue;
      db.transaction(() => {
        db.exec(m.sql);
        record.run(m.name, Date.now());
      })();
    }
  }
  return db;
}
