// Notification floods: a client's roots/list_changed and an upstream's list_changed each cause a fan-out (every
// upstream; a re-listing and every session). A flood of either costs at most one fan-out per interval, and the
// last notification still arrives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTIFICATION_FAN_OUT_INTERVAL_MS } from '../../src/gateway/gateway.js';
import type { RunningWarden } from '../../src/app/start.js';
import { miniUpstream, startTestGateway } from './helpers/gateway.js';
import { listen, TestClient, textOf } from './helpers/mcp-http-client.js';

let warden: RunningWarden & { url: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function heard(
  client: TestClient,
  upstream: string,
): Promise<{ rootsChanged: number; toolLists: number }> {
  return JSON.parse(textOf(await client.call(`${upstream}__heard`))) as {
    rootsChanged: number;
    toolLists: number;
  };
}

beforeAll(async () => {
  warden = await startTestGateway({ upstreams: { a: miniUpstream('a'), b: miniUpstream('b') } });
});

afterAll(async () => {
  await warden?.stop();
});

describe('notification floods', () => {
  it('passes a flood of roots/list_changed to each upstream once at once and once at the interval’s end', async () => {
    const client = new TestClient({ url: warden.url, capabilities: { roots: { listChanged: true } } });
    await client.initialize();
    const before = [await heard(client, 'a'), await heard(client, 'b')];
    for (let i = 0; i < 40; i++) {
      const sent = await client.post({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' });
      expect(sent.status).toBe(202);
    }
    await sleep(NOTIFICATION_FAN_OUT_INTERVAL_MS + 300);
    const after = [await heard(client, 'a'), await heard(client, 'b')];
    expect(after.map((h, i) => h.rootsChanged - before[i]!.rootsChanged)).toEqual([2, 2]);
  });

  it('re-lists a flooding upstream at most once per interval, and tells each session as often', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    const stream = await listen(client);
    try {
      const before = await heard(client, 'a');
      await client.call('a__flood_list_changed', { n: 200 });
      await sleep(NOTIFICATION_FAN_OUT_INTERVAL_MS + 300);
      const after = await heard(client, 'a');
      expect(after.toolLists - before.toolLists).toBe(2);
      const told = stream.messages.filter((m) => m.method === 'notifications/tools/list_changed').length;
      expect(told).toBe(2);
      // The other upstream and the gateway keep serving.
      expect(textOf(await client.call('b__echo', { text: 'still here' }))).toBe('still here');
    } finally {
      stream.close();
    }
  });
});
