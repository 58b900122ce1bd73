import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqlitePinStore } from '../../src/store/sqlite/pins.js';
import { runCli } from './helpers/cli.js';

describe('warden pins', () => {
  it('lists pins and changed definitions, approves a pending one once, and refuses unknown ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-pins-'));
    writeFileSync(join(dir, 'warden.yaml'), 'store: { sqlite: w.db }\n');
    const store = openSqlitePinStore(join(dir, 'w.db'));
    store.save({
      pins: [
        {
          upstream: 'm',
          tool: 'echo',
          hash: 'a'.repeat(64),
          definition: '{"description":"old"}',
          pinnedAt: 1,
        },
      ],
      pending: [
        {
          upstream: 'm',
          tool: 'echo',
          hash: 'b'.repeat(64),
          definition: '{"description":"new"}',
          pinnedAt: 2,
        },
      ],
    });
    store.close();

    const list = await runCli(['pins', 'list', '--json'], { cwd: dir });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual({
      pins: [{ upstream: 'm', tool: 'echo', hash: 'a'.repeat(64), pinnedAt: 1 }],
      pending: [{ upstream: 'm', tool: 'echo', hash: 'b'.repeat(64), pinnedAt: 2 }],
    });

    const approve = await runCli(['pins', 'approve', 'm', 'echo', '--hash', 'b'.repeat(64)], { cwd: dir });
    expect(approve.code).toBe(0);
    expect(approve.stdout).toBe(`approved the new definition of m echo: ${'b'.repeat(64)}\n`);
    const again = await runCli(['pins', 'approve', 'm', 'echo', '--hash', 'b'.repeat(64)], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('warden: no changed definition is waiting for m echo\n');

    const after = openSqlitePinStore(join(dir, 'w.db'));
    expect(after.get('m', 'echo')?.hash).toBe('b'.repeat(64));
    expect(after.pending()).toEqual([]);
    after.close();
  });

  it('reports a missing config with exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-pins-'));
    const run = await runCli(['pins', 'list'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('warden: cannot read warden.yaml\n');
  });
});
