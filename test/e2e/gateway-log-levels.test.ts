// logging/setLevel is per session: each session receives the upstream's log messages at or above the level it
// chose, and no session's choice changes what another one receives (the upstream here, like most servers, keeps
// one level for everyone it talks to, so a level relayed to it would be shared).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { miniUpstream, startTestGateway } from './helpers/gateway.js';
import { TestClient } from './helpers/mcp-http-client.js';

const LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

let warden: Awaited<ReturnType<typeof startTestGateway>>;

beforeAll(async () => {
  warden = await startTestGateway({ upstreams: { m: miniUpstream('m') } });
});
afterAll(async () => warden.stop());

async function session(level?: string): Promise<TestClient> {
  const client = new TestClient({ url: warden.url });
  await client.initialize();
  if (level !== undefined)
    expect((await client.request('logging/setLevel', { level })).response!.result).toEqual({});
  return client;
}

/** The levels of the log messages a session receives while the upstream logs once at every level. */
async function levelsReceived(client: TestClient): Promise<string[]> {
  const r = await client.request('tools/call', { name: 'm__log', arguments: { levels: LEVELS } });
  expect(r.response!.result).toEqual({ content: [{ type: 'text', text: 'logged' }] });
  return r.messages
    .filter((m) => m.method === 'notifications/message')
    .map((m) => (m.params as { level: string }).level);
}

describe('logging/setLevel per session', () => {
  it('gives a debug session every level and an error session error and above, whichever set its level last', async () => {
    const verbose = await session('debug');
    const quiet = await session('error');
    expect(await levelsReceived(verbose)).toEqual(LEVELS);
    expect(await levelsReceived(quiet)).toEqual(['error', 'critical', 'alert', 'emergency']);
    expect((await verbose.request('logging/setLevel', { level: 'debug' })).response!.result).toEqual({});
    expect(await levelsReceived(quiet)).toEqual(['error', 'critical', 'alert', 'emergency']);
  });

  it('leaves a session that chose no level unaffected by another session silencing itself', async () => {
    await session('emergency');
    expect(await levelsReceived(await session())).toEqual(LEVELS);
  });

  it('refuses an invalid level with invalid-params and keeps the session’s level', async () => {
    const client = await session('warning');
    for (const params of [
      { level: 'loud' },
      { level: 'DEBUG' },
      { level: 'debug ' },
      { level: '' },
      { level: 7 },
      { level: ['debug'] },
      {},
    ]) {
      const r = await client.request('logging/setLevel', params, 'bad');
      expect(r.response).toEqual({
        jsonrpc: '2.0',
        id: 'bad',
        error: { code: -32602, message: 'INVALID_PARAMS: level must be an RFC 5424 severity name' },
      });
    }
    expect(await levelsReceived(client)).toEqual(['warning', 'error', 'critical', 'alert', 'emergency']);
  });
});
