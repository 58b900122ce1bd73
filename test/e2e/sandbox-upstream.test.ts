import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBwrap } from '../../src/sandbox/index.js';
import { TestClient, textOf } from './helpers/mcp-http-client.js';
import { MINI_SERVER, miniUpstream, startTestGateway } from './helpers/gateway.js';

const bwrap = findBwrap();
if (!bwrap && process.env.CI === 'true')
  throw new Error('bwrap is required in CI (.ci/run installs bubblewrap)');
if (!bwrap) process.stderr.write('sandbox-upstream: bwrap not installed; skipping\n');

let warden: Awaited<ReturnType<typeof startTestGateway>>;
let tcp: Server;
let hits = 0;
let secret: string;
let allowed: string;

beforeAll(async () => {
  if (!bwrap) return;
  const outside = mkdtempSync(join(tmpdir(), 'warden-secret-'));
  secret = join(outside, 'secret.txt');
  writeFileSync(secret, 'TOP-SECRET-VALUE');
  const shared = mkdtempSync(join(tmpdir(), 'warden-shared-'));
  allowed = join(shared, 'allowed.txt');
  writeFileSync(allowed, 'visible');
  tcp = createServer((socket) => {
    hits++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  warden = await startTestGateway({
    upstreams: {
      boxed: miniUpstream('boxed', { sandbox: { paths: [dirname(MINI_SERVER), shared], network: false } }),
      open: miniUpstream('open'),
    },
  });
});
afterAll(async () => {
  await warden?.stop();
  tcp?.close();
});

describe.skipIf(!bwrap)('a sandboxed stdio upstream (bubblewrap) behind the gateway', () => {
  it('serves its tools through the gateway', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    expect(textOf(await client.call('boxed__echo', { text: 'inside' }))).toBe('inside');
  });

  it('cannot read a file outside its allowed paths, while an unsandboxed upstream can', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    const boxed = await client.call('boxed__read_file', { path: secret });
    expect(boxed).toEqual({ content: [{ type: 'text', text: 'ENOENT' }], isError: true });
    expect(textOf(await client.call('boxed__read_file', { path: allowed }))).toBe('visible');
    expect(textOf(await client.call('open__read_file', { path: secret }))).toBe('TOP-SECRET-VALUE');
  });

  it('cannot open a network connection, while an unsandboxed upstream can', async () => {
    const client = new TestClient({ url: warden.url });
    await client.initialize();
    const port = (tcp.address() as { port: number }).port;
    const boxed = await client.call('boxed__connect', { port });
    expect(boxed.isError).toBe(true);
    expect(hits).toBe(0);
    expect(textOf(await client.call('open__connect', { port }))).toBe('connected');
    expect(hits).toBe(1);
  });
});
