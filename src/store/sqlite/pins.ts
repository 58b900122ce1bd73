import type { PinChanges, PinStore } from '../../pinning/pin-store.js';
import type { ToolPin } from '../../pinning/tool-pin.js';
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
];

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
  const getPending = db.prepare<[string, string], PinRow>(
    'SELECT * FROM tool_pins_pending WHERE upstream = ? AND tool = ?',
  );
  const dropPending = db.prepare('DELETE FROM tool_pins_pending WHERE upstream = ? AND tool = ?');
  const save = db.transaction((changes: PinChanges): void => {
    for (const pin of changes.pins) put.run(pin.upstream, pin.tool, pin.hash, pin.definition, pin.pinnedAt);
    for (const pin of changes.pending)
      putPending.run(pin.upstream, pin.tool, pin.hash, pin.definition, pin.pinnedAt);
  });
  const approve = db.transaction((upstream: string, tool: string): boolean => {
    const row = getPending.get(upstream, tool);
    if (!row) return false;
    put.run(row.upstream, row.tool, row.hash, row.definition, Date.now());
    dropPending.run(upstream, tool);
    return true;
  });
  return {
    save: (changes) => save(changes),
    pending: () => pending.all().map(toPin),
    approve: (upstream, tool) => approve(upstream, tool),
    get: (upstream, tool) => {
      const row = get.get(upstream, tool);
      return row ? toPin(row) : undefined;
    },
    list: () => list.all().map(toPin),
    remove: (upstream, tool) => {
      if (upstream === undefined) {
        db.prepare('DELETE FROM tool_pins_pending').run();
        return db.prepare('DELETE FROM tool_pins').run().changes;
      }
      if (tool === undefined)
        return db.prepare('DELETE FROM tool_pins WHERE upstream = ?').run(upstream).changes;
      return db.prepare('DELETE FROM tool_pins WHERE upstream = ? AND tool = ?').run(upstream, tool).changes;
    },
    close: () => db.close(),
  };
}
