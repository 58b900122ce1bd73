import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, textOf, type RpcMessage } from './helpers/mcp-http-client.js';
import { miniUpstream, startTestGateway } from './helpers/gateway.js';

let warden: Awaited<ReturnType<typeof startTestGateway>>;
let legacy: ChildProcess;

beforeAll(async () => {
  legacy = spawn(
    process.execPath,
    [fileURLToPath(new URL('../fixtures/legacy-sse-server.mjs', import.meta.url))],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const legacyUrl = await new Promise<string>((resolve) => {
    legacy.stdout!.setEncoding('utf8').on('data', (c: string) => {
      const m = /listening (\S+)/.exec(c);
      if (m) resolve(m[1]!);
    });
  });
  warden = await startTestGateway({
    upstreams: {
      big: miniUpstream('big', { env: { MINI_NAME: 'big', MINI_EXTRA_TOOLS: '600' } }),
      old: { url: legacyUrl, transport: 'sse' },
    },
  });
});
afterAll(async () => {
  await warden.stop();
  legacy.kill();
});

/** Reads the session's GET stream until `want` messages arrived (or the time runs out). */
async function readGetStream(
  client: TestClient,
  want: (m: RpcMessage) => boolean,
  action: () => Promise<unknown>,
): Promise<RpcMessage | undefined> {
  const controller = new AbortController();
  const res = await fetch(client.options.url, {
    headers: { ...client.headers(), accept: 'text/event-stream' },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  void action();
  let buffer = '';
  const deadline = Date.now() + 5000;
  try {
    while (Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      for (const event of buffer.split('\n\n').slice(0, -1)) {
        const data = event.split('\n').find((l) => l.startsWith('data: '));
        if (!data) continue;
        const message = JSON.parse(data.slice(6)) as RpcMessage;
        if (want(message)) return message;
      }
      buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
    }
    return undefined;
  } finally {
    controller.abort();
  }
}

describe('protocol features through the gateway', () => {
  it('paginates large tool lists with an opaque cursor', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    const first = (await client.request('tools/list')).response!.result;
    expect(first.tools).toHaveLength(500);
    expect(typeof first.nextCursor).toBe('string');
    const second = (await client.request('tools/list', { cursor: first.nextCursor })).response!.result;
    expect(second.nextCursor).toBeUndefined();
    const names = [...first.tools, ...second.tools].map((t: { name: string }) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('big__extra_599');
    expect(names).toContain('old__shout');
  });

  it('relays list_changed on the GET stream and lists the new tool', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    const changed = await readGetStream(
      client,
      (m) => m.method === 'notifications/tools/list_changed',
      () => client.call('big__change_tools'),
    );
    expect(changed).toEqual({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (await client.request('tools/list', cursor ? { cursor } : {})).response!.result;
      names.push(...page.tools.map((t: { name: string }) => t.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(names).toContain('big__late_tool');
  });

  it('cancels an upstream call when the client sends notifications/cancelled', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    const pending = client.request('tools/call', { name: 'big__hang', arguments: {} }, 'to-cancel');
    await new Promise((r) => setTimeout(r, 200));
    await client.post({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: 'to-cancel', reason: 'user' },
    });
    const r = await pending;
    expect(r.response!.result).toEqual({
      content: [{ type: 'text', text: 'CANCELLED: request cancelled' }],
      isError: true,
    });
  });

  it('relays resource subscriptions, refusing malformed and unknown URIs', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    expect(
      (await client.request('resources/subscribe', { uri: 'mini://big/readme' })).response!.result,
    ).toEqual({});
    expect(
      (await client.request('resources/unsubscribe', { uri: 'mini://big/readme' })).response!.result,
    ).toEqual({});
    expect((await client.request('resources/subscribe', { uri: 42 })).response!.error).toEqual({
      code: -32602,
      message: 'INVALID_PARAMS: uri must be a non-empty string',
    });
  });

  it('calls tools on a legacy HTTP+SSE upstream', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    expect(textOf(await client.call('old__shout', { text: 'quiet' }))).toBe('QUIET');
  });

  it('answers logging/setLevel and filters relayed log lines below the level', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    expect((await client.request('logging/setLevel', { level: 'error' })).response!.result).toEqual({});
    const r = await client.request('tools/call', { name: 'big__log', arguments: { text: 'info line' } });
    expect(r.messages.filter((m) => m.method === 'notifications/message')).toEqual([]);
    expect((await client.request('logging/setLevel', { level: 'loud' })).response!.error!.code).toBe(-32602);
  });
});
