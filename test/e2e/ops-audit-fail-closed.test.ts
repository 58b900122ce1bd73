// The gateway fails closed when its audit record cannot be written: the tool's result never reaches the client,
// the call is refused with AUDIT_WRITE_FAILED, and other calls go on once the store accepts writes again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWarden, type RunningWarden } from '../../src/app/start.js';
import { configFromObject } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import { TestClient, textOf } from './helpers/mcp-http-client.js';

let dir: string;
let warden: RunningWarden;
let client: TestClient;
let store: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-audit-closed-'));
  store = join(dir, 'warden.db');
  const config = configFromObject(
    {
      listen: { http: '127.0.0.1:0' },
      auth: { mode: 'none' },
      policy: { default: 'allow' },
      store: { sqlite: 'warden.db' },
      builtins: { echo: {} },
    },
    { baseDir: dir },
  );
  warden = await startWarden(config, { logger: silentLogger() });
  client = new TestClient({ url: `http://127.0.0.1:${warden.address!.port}/mcp` });
  await client.initialize();
});

afterAll(async () => {
  await warden?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Makes every audit insert fail (a stand-in for a full disk or a corrupted file), or lets them through again. */
function refuseAuditWrites(refuse: boolean): void {
  const db = new Database(store);
  try {
    db.exec(
      refuse
        ? "CREATE TRIGGER refuse BEFORE INSERT ON audit_records BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        : 'DROP TRIGGER refuse',
    );
  } finally {
    db.close();
  }
}

describe('audit fail-closed through the gateway', () => {
  it('withholds the result of a call whose record cannot be written, and recovers with the store', async () => {
    expect(textOf(await client.call('echo', { text: 'before' }))).toBe('before');

    refuseAuditWrites(true);
    const refused = await client.request('tools/call', {
      name: 'echo',
      arguments: { text: 'secret result' },
    });
    expect(refused.response?.error?.message).toMatch(/^AUDIT_WRITE_FAILED/);
    expect(JSON.stringify(refused.messages)).not.toContain('secret result');

    refuseAuditWrites(false);
    expect(textOf(await client.call('echo', { text: 'after' }))).toBe('after');
    const ready = await fetch(`http://127.0.0.1:${warden.address!.port}/readyz`);
    expect(ready.status).toBe(200);

    // The store holds the two answered calls and nothing of the refused one.
    const db = new Database(store, { readonly: true });
    try {
      const rows = db.prepare('SELECT args FROM audit_records ORDER BY seq').all() as Array<{ args: string }>;
      expect(rows.map((r) => JSON.parse(r.args) as { text: string })).toEqual([
        { text: 'before' },
        { text: 'after' },
      ]);
    } finally {
      db.close();
    }
  });
});
