import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { httpConfigSchema, type HttpConfig } from '../../config/builtins.js';
import { isWardenError } from '../../errors/index.js';
import type { ToolResult } from '../../mcp/wire.js';
import { startRecordingServer, type Hit, type RecordingServer } from '../../../test/e2e/http-servers.js';
import type { Resolver } from '../../net/index.js';
import { createHttpTools } from './http-tools.js';

const hits: Hit[] = [];
let a: RecordingServer;
let b: RecordingServer;
let forbidden: RecordingServer;

beforeAll(async () => {
  a = await startRecordingServer('127.0.0.1', 0, hits);
  b = await startRecordingServer('127.0.0.1', 0, hits);
  forbidden = await startRecordingServer('127.0.0.1', 0, hits);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close(), forbidden.close()]);
});
beforeEach(() => {
  hits.length = 0;
});

function config(overrides: Partial<Record<keyof HttpConfig, unknown>> = {}): HttpConfig {
  return httpConfigSchema.parse({ allow: [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`], ...overrides });
}

async function fetchWith(
  args: unknown,
  cfg: HttpConfig = config(),
  resolve?: Resolver,
  signal?: AbortSignal,
): Promise<ToolResult> {
  const family = await createHttpTools(cfg, resolve ? { resolve } : {});
  const tool = family.tools[0]!;
  return tool.call(args as Record<string, unknown>, {
    signal: signal ?? new AbortController().signal,
    requestId: 't',
  });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'NO_ERROR';
  } catch (error) {
    return isWardenError(error) ? error.code : `NON_WARDEN: ${String(error)}`;
  }
}

const forbiddenHits = (): Hit[] => hits.filter((h) => h.server === forbidden.label);

describe('http_fetch: benign corpus against allowed loopback servers', () => {
  it('GETs text and reports status, safe headers and the body as text', async () => {
    const result = await fetchWith({ url: `http://127.0.0.1:${a.port}/` });
    expect(result.content).toEqual([{ type: 'text', text: `hello from ${a.label}` }]);
    expect(result.structuredContent).toMatchObject({
      url: `http://127.0.0.1:${a.port}/`,
      status: 200,
      statusText: 'OK',
      redirects: 0,
      mimeType: 'text/plain',
      bodyEncoding: 'text',
      bodyBytes: `hello from ${a.label}`.length,
      headers: { 'content-type': 'text/plain; charset=utf-8', date: expect.any(String) },
    });
  });

  it('POSTs a JSON body with caller headers and returns JSON text, hiding Set-Cookie', async () => {
    const result = await fetchWith({
      url: `http://127.0.0.1:${a.port}/echo`,
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Trace': 'abc' },
      body: '{"q":1}',
    });
    const first = result.content[0];
    expect(first?.type).toBe('text');
    const echoed = JSON.parse(first?.type === 'text' ? first.text : '') as {
      method: string;
      headers: Record<string, string>;
      body: string;
    };
    expect(echoed.method).toBe('POST');
    expect(echoed.body).toBe('{"q":1}');
    expect(echoed.headers).toMatchObject({
      host: `127.0.0.1:${a.port}`,
      'content-type': 'application/json',
      'x-trace': 'abc',
      'content-length': '7',
      'accept-encoding': 'identity',
      'user-agent': 'warden-http-fetch/1',
    });
    expect(
      (result.structuredContent as { headers: Record<string, string> }).headers['set-cookie'],
    ).toBeUndefined();
  });

  it('returns binary bodies as a base64 resource with their mime type', async () => {
    const result = await fetchWith({ url: `http://127.0.0.1:${a.port}/bin` });
    expect(result.content).toEqual([
      {
        type: 'resource',
        resource: {
          uri: `http://127.0.0.1:${a.port}/bin`,
          mimeType: 'application/octet-stream',
          blob: Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('base64'),
        },
      },
    ]);
  });

  it('returns non-UTF-8 text as base64 rather than guessing', async () => {
    const result = await fetchWith({ url: `http://127.0.0.1:${a.port}/latin1` });
    expect(result.structuredContent).toMatchObject({ bodyEncoding: 'base64', mimeType: 'text/plain' });
  });

  it('sends HEAD without reading a body', async () => {
    const result = await fetchWith({ url: `http://127.0.0.1:${a.port}/json`, method: 'HEAD' });
    expect(result.content).toEqual([{ type: 'text', text: '' }]);
    expect(result.structuredContent).toMatchObject({ status: 200, mimeType: 'application/json' });
  });

  it('follows an allowed redirect, turning POST into GET on 303 without the body', async () => {
    const to = encodeURIComponent(`http://127.0.0.1:${b.port}/echo`);
    const result = await fetchWith({
      url: `http://127.0.0.1:${a.port}/redirect?status=303&to=${to}`,
      method: 'POST',
      body: 'x=1',
      headers: { 'content-type': 'text/plain' },
    });
    expect(result.structuredContent).toMatchObject({
      status: 200,
      redirects: 1,
      url: `http://127.0.0.1:${b.port}/echo`,
    });
    const final = hits.at(-1)!;
    expect([final.method, final.body, final.headers['content-type']]).toEqual(['GET', '', undefined]);
  });

  it('keeps method and body on 307 and drops Authorization and Cookie across origins', async () => {
    const to = encodeURIComponent(`http://127.0.0.1:${b.port}/echo`);
    await fetchWith({
      url: `http://127.0.0.1:${a.port}/redirect?status=307&to=${to}`,
      method: 'PUT',
      body: 'payload',
      headers: { authorization: 'Bearer s3cret', cookie: 'sid=1', 'x-keep': 'yes' },
    });
    const [first, second] = hits;
    expect(first?.headers.authorization).toBe('Bearer s3cret');
    expect([
      second?.method,
      second?.body,
      second?.headers.authorization,
      second?.headers.cookie,
      second?.headers['x-keep'],
    ]).toEqual(['PUT', 'payload', undefined, undefined, 'yes']);
  });

  it('keeps Authorization on a same-origin redirect', async () => {
    await fetchWith({
      url: `http://127.0.0.1:${a.port}/redirect?to=/echo`,
      headers: { authorization: 'Bearer s3cret' },
    });
    expect(hits.map((h) => h.headers.authorization)).toEqual(['Bearer s3cret', 'Bearer s3cret']);
  });

  it('resolves names through the injected resolver and connects to the checked answer', async () => {
    const resolve: Resolver = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    const result = await fetchWith({ url: `http://app.test:${a.port}/echo` }, config(), resolve);
    expect(result.structuredContent).toMatchObject({ status: 200 });
    expect(hits[0]?.headers.host).toBe(`app.test:${a.port}`);
  });

  it('returns a 3xx without Location, and 4xx/5xx statuses, as ordinary results', async () => {
    const result = await fetchWith({ url: `http://127.0.0.1:${a.port}/redirect?status=404` });
    expect(result.structuredContent).toMatchObject({ status: 404, redirects: 0 });
  });
});

describe('http_fetch: refusals on loopback', () => {
  it.each([
    ['loopback without an allow entry', (p: number) => `http://127.0.0.1:${p}/`],
    ['decimal IPv4', (p: number) => `http://2130706433:${p}/`],
    ['short IPv4', (p: number) => `http://127.1:${p}/`],
    ['IPv6 loopback', (p: number) => `http://[::1]:${p}/`],
    ['IPv4-mapped IPv6', (p: number) => `http://[::ffff:127.0.0.1]:${p}/`],
    ['localhost', (p: number) => `http://localhost:${p}/`],
  ])('refuses %s with HTTP_ADDRESS_DENIED and sends nothing', async (_name, url) => {
    expect(await codeOf(fetchWith({ url: url(forbidden.port) }))).toBe('HTTP_ADDRESS_DENIED');
    expect(forbiddenHits()).toEqual([]);
  });

  it('refuses a redirect from an allowed server to a forbidden one', async () => {
    const to = encodeURIComponent(`http://127.0.0.1:${forbidden.port}/`);
    expect(await codeOf(fetchWith({ url: `http://127.0.0.1:${a.port}/redirect?to=${to}` }))).toBe(
      'HTTP_ADDRESS_DENIED',
    );
    expect(forbiddenHits()).toEqual([]);
    expect(hits).toHaveLength(1);
  });

  it('refuses chains longer than maxRedirects after exactly maxRedirects hops', async () => {
    expect(
      await codeOf(fetchWith({ url: `http://127.0.0.1:${a.port}/chain?n=3` }, config({ maxRedirects: 2 }))),
    ).toBe('HTTP_TOO_MANY_REDIRECTS');
    expect(hits).toHaveLength(3);
    const ok = await fetchWith({ url: `http://127.0.0.1:${a.port}/chain?n=2` }, config({ maxRedirects: 2 }));
    expect(ok.structuredContent).toMatchObject({ status: 200, redirects: 2 });
  });

  it('caps the body: streamed and declared', async () => {
    expect(
      await codeOf(
        fetchWith({ url: `http://127.0.0.1:${a.port}/big?bytes=2000000` }, config({ maxBytes: 100_000 })),
      ),
    ).toBe('HTTP_TOO_LARGE');
    expect(
      await codeOf(
        fetchWith({ url: `http://127.0.0.1:${a.port}/big-declared` }, config({ maxBytes: 100_000 })),
      ),
    ).toBe('HTTP_TOO_LARGE');
  });

  it('ends a slow body and a hanging server at the deadline', async () => {
    expect(
      await codeOf(fetchWith({ url: `http://127.0.0.1:${a.port}/slow` }, config({ timeoutMs: 200 }))),
    ).toBe('HTTP_TIMEOUT');
    expect(
      await codeOf(fetchWith({ url: `http://127.0.0.1:${a.port}/hang` }, config({ timeoutMs: 200 }))),
    ).toBe('HTTP_TIMEOUT');
  });

  it('honours cancellation by the caller', async () => {
    const controller = new AbortController();
    const pending = fetchWith(
      { url: `http://127.0.0.1:${a.port}/slow` },
      config(),
      undefined,
      controller.signal,
    );
    setTimeout(() => controller.abort(), 50);
    expect(await codeOf(pending)).toBe('CANCELLED');
  });

  it('refuses plain http when httpsOnly', async () => {
    expect(await codeOf(fetchWith({ url: `http://127.0.0.1:${a.port}/` }, config({ httpsOnly: true })))).toBe(
      'HTTP_SCHEME_DENIED',
    );
    expect(hits).toEqual([]);
  });

  it('verifies TLS certificates (a plain-HTTP peer fails the handshake)', async () => {
    expect(await codeOf(fetchWith({ url: `https://127.0.0.1:${a.port}/` }))).toBe('HTTP_FAILED');
  });

  it.each([
    [{ host: 'evil.test' }, 'HTTP_HEADER_DENIED'],
    [{ 'Transfer-Encoding': 'chunked' }, 'HTTP_HEADER_DENIED'],
    [{ Connection: 'close' }, 'HTTP_HEADER_DENIED'],
    [{ 'Proxy-Authorization': 'x' }, 'HTTP_HEADER_DENIED'],
    [{ 'Content-Length': '0' }, 'HTTP_HEADER_DENIED'],
    [{ 'X-A': 'a\r\nX-Injected: 1' }, 'HTTP_HEADER_DENIED'],
    [{ 'bad name': 'x' }, 'HTTP_HEADER_DENIED'],
    [{ 'X-Big': 'x'.repeat(9000) }, 'HTTP_HEADER_DENIED'],
    [{ 'X-A': 'a', 'x-a': 'b' }, 'HTTP_HEADER_DENIED'],
    [{ 'X-A': 1 }, 'ARGS_INVALID'],
  ])('refuses caller headers %j with %s', async (headers, code) => {
    expect(await codeOf(fetchWith({ url: `http://127.0.0.1:${a.port}/`, headers }))).toBe(code);
    expect(hits).toEqual([]);
  });

  it.each([
    [{}, 'ARGS_INVALID'],
    [{ url: 42 }, 'ARGS_INVALID'],
    [{ url: ['http://127.0.0.1/'] }, 'ARGS_INVALID'],
    [{ url: 'http://x.test/', method: 'CONNECT' }, 'ARGS_INVALID'],
    [{ url: 'http://x.test/', method: 'TRACE' }, 'ARGS_INVALID'],
    [{ url: 'http://x.test/', body: 'x' }, 'ARGS_INVALID'],
    [{ url: 'http://x.test/', extra: true }, 'ARGS_INVALID'],
    [{ url: 'http://x.test/', method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) }, 'ARGS_INVALID'],
    [{ url: 'x'.repeat(9000) }, 'ARGS_INVALID'],
    [{ url: 'not a url' }, 'HTTP_BAD_URL'],
    [{ url: 'http://' }, 'HTTP_BAD_URL'],
    [{ url: 'http://a.test\n.evil/' }, 'HTTP_BAD_URL'],
  ])('refuses malformed arguments %j with %s', async (args, code) => {
    expect(await codeOf(fetchWith(args))).toBe(code);
  });

  it('rejects a malformed allow entry when the family is created', async () => {
    expect(await codeOf(createHttpTools(httpConfigSchema.parse({ allow: ['10.0.0.0/99'] })))).toBe(
      'CONFIG_INVALID',
    );
  });
});
