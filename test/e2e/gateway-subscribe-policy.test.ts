// resources/subscribe under policy: a principal that may not read a URI may not follow its updates either. The
// subscription is decided like a read of the same URI, and a denied one reaches neither the upstream nor the
// gateway's own list of subscribers.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWarden, type RunningWarden } from '../../src/app/start.js';
import { configFromObject } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import { openSqliteKeyStore } from '../../src/store/sqlite/keys.js';
import { readAuditRows } from './helpers/audit-rows.js';
import { miniUpstream, startTestGateway } from './helpers/gateway.js';
import { listen, TestClient, textOf, type RpcMessage } from './helpers/mcp-http-client.js';

const SECRET = 'mini://m/secret';
const README = 'mini://m/readme';
const DENIED = { code: -32001, message: 'POLICY_DENIED: denied by policy (no-secret)' };

let dir: string;
let warden: RunningWarden;
let url: string;
const key: Record<string, string> = {};

async function clientFor(principal: string, requestId: string): Promise<TestClient> {
  const client = new TestClient({
    url,
    headers: { 'x-api-key': key[principal]!, 'x-request-id': requestId },
  });
  await client.initialize();
  return client;
}

const updatedUris = (messages: RpcMessage[]): string[] =>
  messages
    .filter((m) => m.method === 'notifications/resources/updated')
    .map((m) => (m.params as { uri: string }).uri);

/** The URIs the upstream itself was asked to watch. */
async function upstreamSubscriptions(client: TestClient): Promise<string[]> {
  return JSON.parse(textOf(await client.call('m__subscriptions'))) as string[];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-subscribe-policy-'));
  const keys = openSqliteKeyStore(join(dir, 'warden.db'));
  key.alice = (await keys.create({ principal: 'alice' })).key;
  key.eve = (await keys.create({ principal: 'eve' })).key;
  await keys.close();
  const config = configFromObject(
    {
      listen: { http: '127.0.0.1:0' },
      auth: { mode: 'api-key' },
      store: { sqlite: join(dir, 'warden.db') },
      policy: {
        rules: [
          { name: 'no-secret', principals: ['eve'], tools: ['resource:mini://m/secret*'], effect: 'deny' },
          { name: 'everyone', tools: ['*'], effect: 'allow' },
        ],
      },
      upstreams: { m: miniUpstream('m') },
    },
    { baseDir: dir },
  );
  warden = await startWarden(config, { logger: silentLogger() });
  url = `http://127.0.0.1:${warden.address!.port}/mcp`;
});

afterAll(async () => {
  await warden?.stop();
});

describe('resources/subscribe under policy', () => {
  it('refuses a denied principal’s subscription exactly like its read, audits it, and subscribes nothing', async () => {
    const eve = await clientFor('eve', 'eve-denied');
    const alice = await clientFor('alice', 'alice-denied');
    const subscribe = await eve.request('resources/subscribe', { uri: SECRET }, 'sub');
    expect(subscribe.response).toEqual({ jsonrpc: '2.0', id: 'sub', error: DENIED });
    const read = await eve.request('resources/read', { uri: SECRET }, 'read');
    expect(read.response).toEqual({ jsonrpc: '2.0', id: 'read', error: DENIED });
    expect(await upstreamSubscriptions(alice)).toEqual([]);
    expect([...warden.gateway.sessions.get(eve.sessionId!)!.subscriptions]).toEqual([]);
    const rows = readAuditRows(join(dir, 'warden.db')).filter((r) => r.correlation_id === 'eve-denied');
    expect(
      rows
        .filter((r) => r.method !== 'initialize')
        .map((r) => [r.principal, r.method, r.name, r.decision, r.rule, r.status, r.error_code]),
    ).toEqual([
      ['eve', 'resources/subscribe', `resource:${SECRET}`, 'deny', 'no-secret', 'denied', 'POLICY_DENIED'],
      ['eve', 'resources/read', `resource:${SECRET}`, 'deny', 'no-secret', 'denied', 'POLICY_DENIED'],
    ]);
    // The gateway keeps serving the denied session what it may have.
    expect((await eve.request('resources/subscribe', { uri: README })).response!.result).toEqual({});
    expect(await upstreamSubscriptions(alice)).toEqual([README]);
    expect((await eve.request('resources/unsubscribe', { uri: README })).response!.result).toEqual({});
    expect(await upstreamSubscriptions(alice)).toEqual([]);
  });

  it('delivers an update only to the sessions whose subscription to that URI was allowed', async () => {
    const eve = await clientFor('eve', 'eve-updates');
    const alice = await clientFor('alice', 'alice-updates');
    const [eveStream, aliceStream] = await Promise.all([listen(eve), listen(alice)]);
    try {
      expect((await eve.request('resources/subscribe', { uri: SECRET })).response!.error).toEqual(DENIED);
      expect((await eve.request('resources/subscribe', { uri: README })).response!.result).toEqual({});
      expect((await alice.request('resources/subscribe', { uri: SECRET })).response!.result).toEqual({});
      // Eve unsubscribing a URI she never held must not end Alice's subscription to it.
      expect((await eve.request('resources/unsubscribe', { uri: SECRET })).response!.result).toEqual({});
      expect(await upstreamSubscriptions(alice)).toEqual([README, SECRET]);
      // The secret changes first: both notifications travel in order, so once Eve sees the readme update she
      // would already have seen the secret one.
      await alice.call('m__touch', { uri: SECRET });
      await alice.call('m__touch', { uri: README });
      await expect.poll(() => updatedUris(eveStream.messages)).toEqual([README]);
      await expect.poll(() => updatedUris(aliceStream.messages)).toEqual([SECRET]);
    } finally {
      eveStream.close();
      aliceStream.close();
      await eve.request('resources/unsubscribe', { uri: README });
      await alice.request('resources/unsubscribe', { uri: SECRET });
    }
  });
});

describe('resources/updated from upstreams', () => {
  it('relays an update only from the upstream the subscription went to', async () => {
    const gateway = await startTestGateway({ upstreams: { m: miniUpstream('m'), n: miniUpstream('n') } });
    const client = new TestClient({ url: gateway.url });
    try {
      await client.initialize();
      const stream = await listen(client);
      const [ofM, ofN] = ['mini://m/readme', 'mini://n/readme'];
      for (const uri of [ofM, ofN])
        expect((await client.request('resources/subscribe', { uri })).response!.result).toEqual({});
      // n makes up an update of m's resource, then sends one of its own; both travel in order on n's stdout and
      // then on the client's stream, so once n's own is there the made-up one would be too.
      await client.call('n__touch', { uri: ofM });
      await client.call('n__touch', { uri: ofN });
      await expect.poll(() => updatedUris(stream.messages)).toContain(ofN);
      expect(updatedUris(stream.messages)).toEqual([ofN]);
      stream.close();
    } finally {
      await gateway.stop();
    }
  });
});
