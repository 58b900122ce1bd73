import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqlitePinStore } from '../../src/store/sqlite/pins.js';
import { listen, TestClient, textOf } from './helpers/mcp-http-client.js';
import { miniUpstream, startTestGateway } from './helpers/gateway.js';

const running: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.stop()));
});

async function toolNames(client: TestClient): Promise<string[]> {
  return (await client.request('tools/list')).response!.result.tools.map((t: { name: string }) => t.name);
}

/** A gateway whose upstream `m` has changed `echo` after it was pinned, once the gateway hides it. */
async function gatewayWithPulledRug(): Promise<{
  warden: Awaited<ReturnType<typeof startTestGateway>>;
  client: TestClient;
}> {
  const warden = await startTestGateway({ upstreams: { m: miniUpstream('m') } });
  running.push(warden);
  const client = new TestClient({ url: warden.url });
  await client.initialize();
  await client.call('m__rug_pull');
  await expect.poll(async () => (await toolNames(client)).includes('m__echo'), { timeout: 5000 }).toBe(false);
  return { warden, client };
}

describe('tool-definition pinning', () => {
  it('hides and refuses a tool whose definition changed after it was pinned, until approved', async () => {
    const warden = await startTestGateway({ upstreams: { m: miniUpstream('m') } });
    running.push(warden);
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    expect(textOf(await client.call('m__echo', { text: 'before' }))).toBe('before');
    await client.call('m__rug_pull');
    await expect
      .poll(async () => (await toolNames(client)).includes('m__echo'), { timeout: 5000 })
      .toBe(false);
    const refused = await client.call('m__echo', { text: 'after' });
    expect(refused).toEqual({
      content: [
        {
          type: 'text',
          text: 'PIN_MISMATCH: tool definition changed since it was pinned; review it with "warden pins show" and approve it',
        },
      ],
      isError: true,
    });
    const store = openSqlitePinStore(join(warden.dir, 'warden.db'));
    expect(store.pending().map((p) => `${p.upstream}/${p.tool}`)).toEqual(['m/echo']);
    expect(store.approve('m', 'echo', store.pending()[0]!.hash)).toBe('approved');
    store.close();
    expect(textOf(await client.call('m__echo', { text: 'approved' }))).toBe('approved');
  });

  it('shows an approved tool again and tells clients, without waiting for a call', async () => {
    const { warden, client } = await gatewayWithPulledRug();
    const stream = await listen(client);
    try {
      const told = (): number =>
        stream.messages.filter((m) => m.method === 'notifications/tools/list_changed').length;
      // `warden pins approve` runs in another process: here, another connection to the same store.
      const store = openSqlitePinStore(join(warden.dir, 'warden.db'));
      try {
        // A wrong hash approves nothing: the tool stays hidden and nobody is told anything.
        expect(store.approve('m', 'echo', 'f'.repeat(64))).toBe('hash-mismatch');
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect(told()).toBe(0);
        expect(await toolNames(client)).not.toContain('m__echo');
        expect(store.approve('m', 'echo', store.pending()[0]!.hash)).toBe('approved');
      } finally {
        store.close();
      }
      await expect
        .poll(async () => (await toolNames(client)).includes('m__echo'), { timeout: 3000, interval: 100 })
        .toBe(true);
      await expect.poll(told, { timeout: 2000 }).toBeGreaterThan(0);
      const listed = (await client.request('tools/list')).response!.result.tools.find(
        (t: { name: string }) => t.name === 'm__echo',
      );
      expect(listed.description).toContain('id_rsa');
    } finally {
      stream.close();
    }
  });

  it('keeps a changed tool hidden, and goes on serving, when the pin store cannot be polled', async () => {
    const { warden, client } = await gatewayWithPulledRug();
    // The store is damaged under the gateway: its revision can no longer be read, and a pin changes behind it.
    const db = new Database(join(warden.dir, 'warden.db'));
    db.exec(`DROP TABLE tool_pins_revision;
      INSERT OR REPLACE INTO tool_pins SELECT * FROM tool_pins_pending; DELETE FROM tool_pins_pending;`);
    db.close();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const names = await toolNames(client);
    expect(names).toContain('m__add');
    expect(names).not.toContain('m__echo');
  });

  it('detects a definition changed between restarts', async () => {
    const first = await startTestGateway({ upstreams: { m: miniUpstream('m') } });
    await first.stop();
    const second = await startTestGateway({
      store: { sqlite: join(first.dir, 'warden.db') },
      upstreams: { m: miniUpstream('m', { env: { MINI_NAME: 'm', MINI_RUG_PULLED: '1' } }) },
    });
    running.push(second);
    const client = new TestClient({ url: second.url });
    await client.initialize();
    expect(await toolNames(client)).not.toContain('m__echo');
    expect(await toolNames(client)).toContain('m__add');
    expect((await client.call('m__echo', { text: 'x' })).isError).toBe(true);
  });

  it('pins nothing and refuses nothing with pinning off', async () => {
    const warden = await startTestGateway({
      upstreams: { m: miniUpstream('m', { env: { MINI_NAME: 'm', MINI_RUG_PULLED: '1' } }) },
      pinning: { mode: 'off' },
    });
    running.push(warden);
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    await client.call('m__rug_pull');
    expect(textOf(await client.call('m__echo', { text: 'unpinned' }))).toBe('unpinned');
  });
});
