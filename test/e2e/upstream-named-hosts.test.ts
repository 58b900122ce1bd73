/**
 * HTTP upstreams configured by host name, through the real `warden serve` and the operating system's resolver:
 * Warden runs in a mount namespace (`unshare -rm`) whose /etc/hosts maps mcp-upstream.test and
 * legacy-upstream.test to 127.0.0.1, as a DNS under someone else's control could at any time. Without
 * `upstreams.<name>.allow` those upstreams are refused and the others keep serving; listing 127.0.0.1 connects
 * them. Every server listens on 127.0.0.1.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  WARDEN_CLI,
  WARDEN_READY_TIMEOUT_MS,
  freePort,
  spawnChild,
  waitForHttp,
  wardenBuilt,
  type TestChild,
} from './helpers/index.js';
import { TestClient } from './helpers/mcp-http-client.js';

const LEGACY_SERVER = fileURLToPath(new URL('../fixtures/legacy-sse-server.mjs', import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), 'warden-named-hosts-'));
const hostsFile = join(workDir, 'hosts');
writeFileSync(hostsFile, '127.0.0.1 localhost\n127.0.0.1 mcp-upstream.test legacy-upstream.test\n');
/** Runs "$@" with hostsFile as /etc/hosts, in a mount namespace of its own. */
const WITH_HOSTS = ['-rm', 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"', hostsFile];
const namespaceWorks =
  wardenBuilt() &&
  spawnSync('unshare', [...WITH_HOSTS, 'getent', 'hosts', 'mcp-upstream.test'], { encoding: 'utf8' })
    .stdout.trim()
    .startsWith('127.0.0.1');

/** A Streamable HTTP MCP server with one tool, `echo`, that counts its connections and the Host headers it saw. */
interface EchoServer {
  server: Server;
  port: number;
  connections: number;
  hosts: Set<string>;
}

function answer(message: { id?: number; method?: string; params?: Record<string, any> }): unknown {
  if (message.method === 'initialize') {
    const serverInfo = { name: 'echo', version: '1.0.0' };
    return { protocolVersion: message.params?.protocolVersion, capabilities: { tools: {} }, serverInfo };
  }
  if (message.method === 'tools/list') {
    return {
      tools: [{ name: 'echo', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }],
    };
  }
  if (message.method === 'tools/call') {
    return { content: [{ type: 'text', text: String(message.params?.arguments?.text) }] };
  }
  return {};
}

async function startEchoServer(): Promise<EchoServer> {
  const handle = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    echo.hosts.add(req.headers.host ?? '');
    if (req.method !== 'POST') return void res.writeHead(req.method === 'GET' ? 405 : 200).end();
    const message = JSON.parse(body) as { id?: number; method?: string };
    if (message.id === undefined) return void res.writeHead(202).end();
    res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 's1' });
    res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: answer(message) }));
  };
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => handle(req, res, body));
  });
  const echo: EchoServer = { server, port: 0, connections: 0, hosts: new Set() };
  server.on('connection', () => echo.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  echo.port = (server.address() as AddressInfo).port;
  return echo;
}

/** `warden serve` with `upstreams`, inside the namespace where the test names resolve to 127.0.0.1. */
async function startWardenWithHosts(upstreams: Record<string, unknown>): Promise<{
  url: string;
  child: TestChild;
}> {
  const port = await freePort();
  const dir = mkdtempSync(join(workDir, 'warden-'));
  const file = join(dir, 'warden.yaml');
  const config = {
    listen: { http: `127.0.0.1:${port}` },
    auth: { mode: 'none' },
    policy: { default: 'allow' },
    store: { sqlite: join(dir, 'warden.db') },
    upstreams,
  };
  writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  const child = spawnChild(
    'unshare',
    [...WITH_HOSTS, process.execPath, WARDEN_CLI, 'serve', '--config', file],
    {
      cwd: dir,
    },
  );
  running.push(child);
  await waitForHttp(`http://127.0.0.1:${port}/readyz`, {
    timeoutMs: WARDEN_READY_TIMEOUT_MS,
    status: 200,
    isAlive: () => child.process.exitCode === null,
  }).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${child.log()}`);
  });
  return { url: `http://127.0.0.1:${port}/mcp`, child };
}

async function toolNames(url: string): Promise<string[]> {
  const client = new TestClient({ url });
  await client.initialize();
  const listed = (await client.request('tools/list')).response?.result as { tools: { name: string }[] };
  return listed.tools.map((t) => t.name).sort();
}

const running: TestChild[] = [];
let named: EchoServer;
let direct: EchoServer;
let legacy: TestChild;
let legacyPort = 0;

describe.skipIf(!namespaceWorks)(
  'HTTP upstreams named by host (real resolver, /etc/hosts in a namespace)',
  () => {
    beforeAll(async () => {
      named = await startEchoServer();
      direct = await startEchoServer();
      legacy = spawnChild(process.execPath, [LEGACY_SERVER]);
      running.push(legacy);
      const match = await legacy.waitForLine(/^listening http:\/\/127\.0\.0\.1:(\d+)\/sse$/, 15_000);
      legacyPort = Number(match[1]);
    });

    afterAll(async () => {
      for (const child of running.splice(0)) await child.stop();
      for (const echo of [named, direct]) {
        echo?.server.closeAllConnections();
        echo?.server.close();
      }
    });

    const upstreams = (allow: string[] | undefined): Record<string, unknown> => ({
      named: { url: `http://mcp-upstream.test:${named.port}/mcp`, ...(allow ? { allow } : {}) },
      legacy: {
        url: `http://legacy-upstream.test:${legacyPort}/sse`,
        transport: 'sse',
        ...(allow ? { allow } : {}),
      },
      direct: { url: `http://127.0.0.1:${direct.port}/mcp` },
    });

    it('refuses names that resolve to loopback without allow, says what to change, and keeps serving the others', async () => {
      const warden = await startWardenWithHosts(upstreams(undefined));
      expect(await toolNames(warden.url)).toEqual(['direct__echo']);
      const log = warden.child.log();
      expect(log).toContain(
        'upstream named: mcp-upstream.test resolved to 127.0.0.1 (loopback), which is not allowed; add it to upstreams.named.allow to connect',
      );
      expect(log).toContain(
        'upstream legacy: legacy-upstream.test resolved to 127.0.0.1 (loopback), which is not allowed; add it to upstreams.legacy.allow to connect',
      );
      expect(named.connections).toBe(0);
      await warden.child.stop();
    });

    it('connects them once allow lists 127.0.0.1, sending the configured name as Host', async () => {
      const warden = await startWardenWithHosts(upstreams(['127.0.0.1']));
      expect(await toolNames(warden.url)).toEqual(['direct__echo', 'legacy__shout', 'named__echo']);
      const client = new TestClient({ url: warden.url });
      await client.initialize();
      expect(await client.call('named__echo', { text: 'hi' })).toMatchObject({ content: [{ text: 'hi' }] });
      expect(await client.call('legacy__shout', { text: 'hi' })).toMatchObject({ content: [{ text: 'HI' }] });
      expect(named.hosts).toEqual(new Set([`mcp-upstream.test:${named.port}`]));
      await warden.child.stop();
    });
  },
);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));
