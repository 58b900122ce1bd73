import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openSqlitePinStore } from '../../src/store/sqlite/pins.js';
import { TestClient, textOf } from './helpers/mcp-http-client.js';
import { miniUpstream, startTestGateway } from './helpers/gateway.js';

const running: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.stop()));
});

async function toolNames(client: TestClient): Promise<string[]> {
  return (await client.request('tools/list')).response!.result.tools.map((t: { name: string }) => t.name);
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
