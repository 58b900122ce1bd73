import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, textOf } from './helpers/mcp-http-client.js';
import { miniUpstream, startTestGateway } from './helpers/gateway.js';

let warden: Awaited<ReturnType<typeof startTestGateway>>;

beforeAll(async () => {
  // Set before start: the children must not inherit it even though Warden's own environment has it.
  process.env.WARDEN_TEST_SECRET = 'do-not-leak';
  warden = await startTestGateway({
    upstreams: { alpha: miniUpstream('alpha', { timeoutMs: 1500 }), beta: miniUpstream('beta') },
    builtins: { echo: {} },
  });
});
afterAll(async () => warden.stop());

describe('aggregation', () => {
  it('lists prefixed upstream tools beside built-ins, with descriptions and schemas unchanged', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    const { response } = await client.request('tools/list');
    const tools = response!.result.tools as Array<{
      name: string;
      description: string;
      inputSchema: unknown;
    }>;
    const names = tools.map((t) => t.name);
    expect(names).toContain('echo');
    expect(names).toContain('alpha__echo');
    expect(names).toContain('beta__echo');
    const alphaEcho = tools.find((t) => t.name === 'alpha__echo')!;
    expect(alphaEcho.description).toBe('Echo the text.');
    expect(alphaEcho.inputSchema).toEqual({
      type: 'object',
      properties: { text: { type: 'string' } },
      required: ['text'],
    });
  });

  it('routes calls to the right upstream and to built-ins', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    expect(textOf(await client.call('alpha__echo', { text: 'a' }))).toBe('a');
    expect(JSON.parse(textOf(await client.call('beta__whoami'))).name).toBe('beta');
    expect(textOf(await client.call('echo', { text: 'builtin' }))).toBe('builtin');
  });

  it('routes prompts and resources, including template URIs', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    const prompt = await client.request('prompts/get', { name: 'beta__greet', arguments: { who: 'Ada' } });
    expect(prompt.response!.result.messages[0].content.text).toBe('Hello, Ada');
    const read = await client.request('resources/read', { uri: 'mini://alpha/items/7' });
    expect(read.response!.result.contents[0].text).toBe('content of mini://alpha/items/7');
    const unknown = await client.request('resources/read', { uri: 'mini://nobody/x' });
    expect(unknown.response!.error!.code).toBe(-32002);
  });

  it('refuses unknown tools with a JSON-RPC invalid-params error', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    const { response } = await client.request('tools/call', { name: 'nope', arguments: {} });
    expect(response!.error).toEqual({ code: -32602, message: 'Unknown tool: nope' });
  });
});

describe('relaying', () => {
  it('relays progress with the client’s own token, on the call’s stream', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    const r = await client.request('tools/call', {
      name: 'alpha__progress',
      arguments: {},
      _meta: { progressToken: 'tok-1' },
    });
    const progress = r.messages.filter((m) => m.method === 'notifications/progress').map((m) => m.params);
    expect(progress).toEqual([
      { progressToken: 'tok-1', progress: 0, total: 100 },
      { progressToken: 'tok-1', progress: 50, total: 100 },
      { progressToken: 'tok-1', progress: 100, total: 100 },
    ]);
    expect(textOf(r.response!.result)).toBe('progressed');
  });

  it('relays sampling to the calling client and its answer back', async () => {
    const client = new TestClient({
      url: warden.url,
      capabilities: { sampling: {} },
      onRequest: (m) => ({
        role: 'assistant',
        model: 'test',
        content: { type: 'text', text: `echo:${m.params.messages[0].content.text}` },
      }),
    });
    await client.initialize();
    const result = await client.call('alpha__sample', { prompt: 'hello' });
    expect(textOf(result)).toBe('sampled: echo:hello');
  });

  it('relays an upstream cancelling its own sampling request to the client, under the id the client saw', async () => {
    const seen: Array<{ id?: unknown; method?: string }> = [];
    const client = new TestClient({
      url: warden.url,
      capabilities: { sampling: {} },
      onRequest: async (m) => {
        seen.push(m);
        // Still "thinking" when the upstream gives up on the request.
        await new Promise((resolve) => setTimeout(resolve, 200));
        return { role: 'assistant', model: 'test', content: { type: 'text', text: 'too late' } };
      },
    });
    await client.initialize();
    const r = await client.request('tools/call', { name: 'alpha__sample_cancel', arguments: {} });
    expect(textOf(r.response!.result)).toBe('cancelled sampling');
    expect(seen.map((m) => m.method)).toEqual(['sampling/createMessage']);
    const cancels = r.messages.filter((m) => m.method === 'notifications/cancelled');
    expect(cancels).toHaveLength(1);
    // The client is told about its own id for the request (Warden's), never the upstream's.
    expect(cancels[0]!.params).toMatchObject({ requestId: seen[0]!.id });
    expect(seen[0]!.id).not.toMatch(/^s\d+$/);
    // The late answer is dropped without disturbing the session.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(textOf(await client.call('alpha__echo', { text: 'still here' }))).toBe('still here');
  });

  it('refuses sampling for a client that did not declare the capability', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    const result = await client.call('beta__sample', { prompt: 'x' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('UPSTREAM_ERROR');
    expect(textOf(result)).toContain('CLIENT_CAPABILITY_MISSING');
  });

  it('relays logging notifications during a call', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    const r = await client.request('tools/call', { name: 'beta__log', arguments: { text: 'hi there' } });
    expect(r.messages.filter((m) => m.method === 'notifications/message').map((m) => m.params)).toEqual([
      { level: 'info', data: 'hi there' },
    ]);
  });

  it('never delivers a response to the wrong client when two clients use the same ids at once', async () => {
    const a = new TestClient({ url: warden.url });
    const b = new TestClient({ url: warden.url });
    await Promise.all([a.initialize(), b.initialize()]);
    const rounds = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        Promise.all([
          a.request('tools/call', { name: 'alpha__echo', arguments: { text: `A${i}` } }, i),
          b.request('tools/call', { name: 'alpha__echo', arguments: { text: `B${i}` } }, i),
        ]),
      ),
    );
    rounds.forEach(([ra, rb], i) => {
      expect(ra.response!.id).toBe(i);
      expect(textOf(ra.response!.result)).toBe(`A${i}`);
      expect(rb.response!.id).toBe(i);
      expect(textOf(rb.response!.result)).toBe(`B${i}`);
    });
  });
});

describe('hostile upstreams', () => {
  it('times out a hanging upstream call with UPSTREAM_TIMEOUT', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    const result = await client.call('alpha__hang');
    expect(result).toEqual({
      content: [{ type: 'text', text: 'UPSTREAM_TIMEOUT: upstream alpha did not answer within 1500 ms' }],
      isError: true,
    });
  });

  it('fails an in-flight call at once when the upstream crashes, then restarts it', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    const started = Date.now();
    const result = await client.call('beta__crash');
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^UPSTREAM_CRASHED: upstream beta exited with code 3/);
    expect(Date.now() - started).toBeLessThan(1000);
    const client2 = new TestClient({ url: warden.url });
    await client2.initialize();
    await expect.poll(() => warden.gateway.upstreams.get('beta')!.state, { timeout: 10_000 }).toBe('ready');
    expect(textOf(await client2.call('beta__echo', { text: 'back' }))).toBe('back');
  });

  it('passes only allowlisted environment variables to stdio upstreams', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    const env = JSON.parse(textOf(await client.call('alpha__whoami'))).env as string[];
    for (const name of env) expect(['PATH', 'HOME', 'LANG', 'TZ', 'MINI_NAME']).toContain(name);
    expect(env).toContain('MINI_NAME');
  });
});
