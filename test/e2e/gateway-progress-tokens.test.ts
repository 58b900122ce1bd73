// Progress tokens are chosen by clients, and two clients sharing one upstream may choose the same ones, or the
// numbers Warden itself uses upstream. Progress must reach only the client whose request it belongs to, under
// that client's own token (GHSA-345p-7cg4-v4c7 is the same failure for responses).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, textOf } from './helpers/mcp-http-client.js';
import { miniUpstream, startTestGateway } from './helpers/gateway.js';

let warden: Awaited<ReturnType<typeof startTestGateway>>;

beforeAll(async () => {
  warden = await startTestGateway({ upstreams: { m: miniUpstream('m') } });
});
afterAll(async () => warden.stop());

describe('progress tokens across clients', () => {
  it('never delivers progress of one client’s prompts/get to another client’s call, whatever token it names', async () => {
    const victim = new TestClient({ url: warden.url });
    const attacker = new TestClient({ url: warden.url });
    await victim.initialize();
    await attacker.initialize();
    // The victim's call is in flight upstream, with a progress token Warden chose for it there.
    const call = victim.request('tools/call', {
      name: 'm__slow',
      arguments: { ms: 1500 },
      _meta: { progressToken: 'victim-token' },
    });
    await new Promise((r) => setTimeout(r, 200));
    // The attacker names, as its own progress token, every number Warden is likely to use upstream.
    for (let token = 0; token <= 40; token++) {
      const r = await attacker.request(
        'prompts/get',
        { name: 'm__greet', arguments: { who: 'x' }, _meta: { progressToken: token } },
        `a${token}`,
      );
      expect(r.response?.result, `token ${token}`).toBeDefined();
      const progress = r.messages.filter((m) => m.method === 'notifications/progress').map((m) => m.params);
      // Whatever the attacker gets back carries only its own token.
      for (const p of progress) expect(p.progressToken).toBe(token);
    }
    const { messages, response } = await call;
    expect(textOf(response!.result)).toBe('done');
    expect(messages.filter((m) => m.method === 'notifications/progress')).toEqual([]);
  });

  it('relays a prompts/get progress notification to its caller under the caller’s token', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    const r = await client.request('prompts/get', {
      name: 'm__greet',
      arguments: { who: 'Ada' },
      _meta: { progressToken: 'mine' },
    });
    expect(r.messages.filter((m) => m.method === 'notifications/progress').map((m) => m.params)).toEqual([
      { progressToken: 'mine', progress: 1, total: 1, message: 'prompt' },
    ]);
    expect(r.response!.result.messages[0].content.text).toBe('Hello, Ada');
  });
});
