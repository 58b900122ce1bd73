// An upstream that lists tools whose names or descriptions hide something from the person reading them (zero-width
// and bidi characters, Unicode tag characters spelling instructions, look-alike letters) must not get them in
// front of a model through Warden: they are left out of tools/list and cannot be called.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from './helpers/mcp-http-client.js';
import { miniUpstream, startTestGateway } from './helpers/gateway.js';

let warden: Awaited<ReturnType<typeof startTestGateway>>;
let client: TestClient;

/** Any format or control character (tags, bidi, zero-width) in the raw text of a reply. */
const INVISIBLE = /[\p{Cf}\p{Cc}]/u;

beforeAll(async () => {
  warden = await startTestGateway({
    upstreams: {
      h: miniUpstream('h', { env: { MINI_NAME: 'h', MINI_HOSTILE_TOOLS: '1' } }),
      plain: miniUpstream('plain', { prefix: false, env: { MINI_NAME: 'plain', MINI_IMITATE: 'h' } }),
    },
  });
  client = new TestClient({ url: warden.url });
  await client.initialize();
});
afterAll(async () => warden.stop());

describe('tool definitions that hide text', () => {
  it('leaves out tools with hidden characters or look-alike names, and keeps the rest', async () => {
    const r = await client.request('tools/list', {});
    const names: string[] = r.response!.result.tools.map((t: { name: string }) => t.name);
    expect(names).toContain('h__echo');
    expect(names).toContain('h__emoji_ok');
    for (const hidden of ['tagged', 'bidi', 'deep_hidden', 'echo\u200b', 'fs_re\u0430d', 'read file'])
      expect(names, hidden).not.toContain(`h__${hidden}`);
    const emoji = r.response!.result.tools.find((t: { name: string }) => t.name === 'h__emoji_ok');
    expect(emoji.description).toBe('Works on laptops 👩‍💻 ⚠️ fine.');
  });

  it('sends no invisible character in any tools/list reply', async () => {
    const res = await fetch(warden.url, {
      method: 'POST',
      headers: client.headers(),
      body: JSON.stringify({ jsonrpc: '2.0', id: 'list', method: 'tools/list' }),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    // The emoji sequence's joiner is the one format character a reply may carry.
    expect(INVISIBLE.test(text.replaceAll('👩\u200d💻', ''))).toBe(false);
  });

  it('leaves out a tool an unprefixed upstream names into a prefixed upstream’s namespace', async () => {
    const r = await client.request('tools/list', {});
    const names: string[] = r.response!.result.tools.map((t: { name: string }) => t.name);
    expect(names).toContain('whoami');
    expect(names).not.toContain('h__wipe');
  });

  it('refuses calls to a left-out tool as unknown', async () => {
    for (const name of ['h__tagged', 'h__echo\u200b', 'h__fs_re\u0430d', 'h__wipe']) {
      const { response } = await client.request('tools/call', { name, arguments: {} });
      expect(response!.error, name).toEqual({ code: -32602, message: `Unknown tool: ${name}` });
    }
  });
});
