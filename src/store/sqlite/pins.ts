import type { PinApproval, PinChanges, PinStore } from '../../pinning/pin-store.js';
import type { ToolPin } from '../../pinning/tool-pin.js';
import type Database from 'better-sqlite3';
import { openSqlite, type SqliteMigration } from './open.js';

/** Schema of the pins table. */
export const PINS_MIGRATIONS: readonly SqliteMigration[] = [
  {
    name: 'pins.v1',
    sql: `CREATE TABLE IF NOT EXISTS tool_pins (
      upstream TEXT NOT NULL,
      tool TEXT NOT NULL,
      hash TEXT NOT NULL,
      definition TEXT NOT NULL,
      pinned_at INTEGER NOT NULL,
      PRIMARY KEY (upstream, tool)
    );
    CREATE TABLE IF NOT EXISTS tool_pins_pending (
      upstream TEXT NOT NULL,
      tool TEXT NOT NULL,
      hash TEXT NOT NULL,
      definition TEXT NOT NULL,
      pinned_at INTEGER NOT NULL,
      PRIMARY KEY (upstream, tool)
    )`,
  },
  {
    // Counts approvals and removals, so that gateways notice them with one cheap read.
    name: 'pins.v2',
    sql: `CREATE TABLE IF NOT EXISTS tool_pins_revision (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      revision INTEGER NOT NULL
    );
    INSERT OR IGNORE INTO tool_pins_revision (id, revision) VALUES (1, 0)`,
  },
];

/** Marks an approval or removal (inside its transaction) for gateways polling {@link PinStore.revision}. */
const BUMP_REVISION = 'UPDATE tool_pins_revision SET revision = revision + 1 WHERE id = 1';

interface PinRow {
  upstream: string;
  tool: string;
  hash: string;
  definition: string;
  pinned_at: number;
}

function toPin(row: PinRow): ToolPin {
  return {
    upstream: row.upstream,
    tool: row.tool,
    hash: row.hash,
    definition: row.definition,
    pinnedAt: row.pinned_at,
  };
}

/** Tool-definition pins in the embedded SQLite store. */
export function openSqlitePinStore(file: string): PinStore {
  const db = openSqlite(file, PINS_MIGRATIONS);
  const get = db.prepare<[string, string], PinRow>('SELECT * FROM tool_pins WHERE upstream = ? AND tool = ?');
  const list = db.prepare<[], PinRow>('SELECT * FROM tool_pins ORDER BY upstream, tool');
  const put = db.prepare(
    'INSERT OR REPLACE INTO tool_pins (upstream, tool, hash, definition, pinned_at) VALUES (?, ?, ?, ?, ?)',
  );
  const putPending = db.prepare(
    'INSERT OR REPLACE INTO tool_pins_pending (upstream, tool, hash, definition, pinned_at) VALUES (?, ?, ?, ?, ?)',
  );
  const pending = db.prepare<[], PinRow>('SELECT * FROM tool_pins_pending ORDER BY upstream, tool');
  const pendingOf = db.prepare<[string], PinRow>(
    'SELECT * FROM tool_pins_pending WHERE upstream = ? ORDER BY tool',
  );
  const getPending = db.prepare<[string, string], PinRow>(
    'SELECT * FROM tool_pins_pending WHERE upstream = ? AND tool = ?',
  );
  const dropPending = db.prepare('DELETE FROM tool_pins_pending WHERE upstream = ? AND tool = ?');
  const bump = db.prepare(BUMP_REVISION);
  const revision = db.prepare<[], { revision: number }>(
    'SELECT revision FROM tool_pins_revision WHERE id = 1',
  );
  const save = db.transaction((changes: PinChanges): void => {
    for (const pin of changes.pins) put.run(pin.upstream, pin.tool, pin.hash, pin.definition, pin.pinnedAt);
    for (const pin of changes.pending)
      putPending.run(pin.upstream, pin.tool, pin.hash, pin.definition, pin.pinnedAt);
    for (const key of changes.settled ?? []) dropPending.run(key.upstream, key.tool);
  });
  // The reviewed hash is compared under the write lock (IMMEDIATE): a gateway replacing the pending definition
  // commits either before (and the hash no longer matches) or after (and its definition stays pending).
  const approve = db.transaction((upstream: string, tool: string, hash: string): PinApproval => {
    const row = getPending.get(upstream, tool);
    if (!row) return 'nothing-pending';
    if (row.hash !== hash) return 'hash-mismatch';
    put.run(row.upstream, row.tool, row.hash, row.definition, Date.now());
    dropPending.run(upstream, tool);
    bump.run();
    return 'approved';
  });
  const remove = pinRemover(db);
  return {
    save: (changes) => save(changes),
    pending: (upstream) => (upstream === undefined ? pending.all() : pendingOf.all(upstream)).map(toPin),
    getPending: (upstream, tool) => {
      const row = getPending.get(upstream, tool);
      return row ? toPin(row) : undefined;
    },
    approve: (upstream, tool, hash) => approve.immediate(upstream, tool, hash),
    get: (upstream, tool) => {
      const row = get.get(upstream, tool);
      return row ? toPin(row) : undefined;
    },
    list: () => list.all().map(toPin),
    remove: (upstream, tool) => remove(upstream, tool),
    revision: () => revision.get()?.revision ?? 0,
    close: () => db.close(),
  };
}

/** Forgets pins together with their pending definitions (one tool, one upstream, or all) in one transaction. */
function pinRemover(db: Database.Database): (upstream?: string, tool?: string) => number {
  return db.transaction((upstream?: string, tool?: string): number => {
    db.prepare(BUMP_REVISION).run();
    if (upstream === undefined) {
      db.prepare('DELETE FROM tool_pins_pending').run();
      return db.prepare('DELETE FROM tool_pins').run().changes;
    }
    if (tool === undefined) {
      db.prepare('DELETE FROM tool_pins_pending WHERE upstream = ?').run(upstream);
      return db.prepare('DELETE FROM tool_pins WHERE upstream = ?').run(upstream).changes;
    }
    db.prepare('DELETE FROM tool_pins_pending WHERE upstream = ? AND tool = ?').run(upstream, tool);
    return db.prepare('DELETE FROM tool_pins WHERE upstream = ? AND tool = ?').run(upstream, tool).changes;
  });
}
