// The floor and the peers: each target starts its server in its own process, measures it, and stops it.
import process from 'node:process';
import { measureHttp } from '../lib/http-target.mjs';
import { assertLoopbackOnly } from '../lib/loopback-check.mjs';
import {
  EVERYTHING_SCRIPT,
  LOOPBACK_PRELOAD,
  MCP_PROXY_SCRIPT,
  SERVERS_DIR,
  SUPERGATEWAY_SCRIPT,
} from '../lib/paths.mjs';
import { freePort, startChild } from '../lib/proc.mjs';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';

const { fetch, AbortSignal } = globalThis;

const PRELOAD_ENV = { NODE_OPTIONS: `--require ${LOOPBACK_PRELOAD}` };

async function withServer(command, args, options, body) {
  const proc = startChild(command, args, options);
  try {
    return await body(proc);
  } finally {
    await proc.stop();
  }
}

async function ownServer(ctx, script, args, measureOptions) {
  return withServer(process.execPath, [`${SERVERS_DIR}${script}`, ...args], {}, async (proc) => {
    const [, port] = await proc.waitForStdout(/LISTENING (\d+)/);
    assertLoopbackOnly(proc.pid, script);
    return measureHttp(ctx, { url: `http://127.0.0.1:${port}/mcp`, ...measureOptions });
  });
}

/** The floor: a minimal node:http JSON-RPC server, no MCP session. */
export function floor(ctx) {
  return ownServer(ctx, 'floor.mjs', [], { tool: 'echo', mcp: false });
}

/** MCP SDK Streamable HTTP server, stateless (a server and transport per request). */
export function sdkStateless(ctx) {
  return ownServer(ctx, 'sdk-http.mjs', ['--stateless'], { tool: 'echo', session: false });
}

/** MCP SDK Streamable HTTP server, one session reused by every request. */
export function sdkSession(ctx) {
  return ownServer(ctx, 'sdk-http.mjs', ['--session'], { tool: 'echo', session: true });
}

async function waitForMcp(url, proc) {
  // These CLIs print nothing reliable when ready, so poll until /mcp answers at all.
  const started = performance.now();
  for (;;) {
    try {
      const res = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      return;
    } catch (error) {
      if (performance.now() - started > 30_000) throw new Error(`not ready: ${proc.tail().slice(-300)}`);
      if (!(error instanceof TypeError) && error?.name !== 'TimeoutError') throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** mcp-proxy (stream endpoint, stateful session) in front of server-everything over stdio. */
export async function mcpProxy(ctx) {
  const port = await freePort();
  const args = [MCP_PROXY_SCRIPT, '--host', '127.0.0.1', '--port', String(port), '--server', 'stream'];
  args.push('--', process.execPath, EVERYTHING_SCRIPT, 'stdio');
  return withServer(process.execPath, args, { env: PRELOAD_ENV }, async (proc) => {
    const url = `http://127.0.0.1:${port}/mcp`;
    await waitForMcp(url, proc);
    assertLoopbackOnly(proc.pid, 'mcp-proxy');
    return measureHttp(ctx, { url, tool: 'echo', session: true });
  });
}

/** supergateway stdio → Streamable HTTP, stateful (its stateless mode spawns a child per request). */
export async function supergateway(ctx) {
  const port = await freePort();
  const stdio = `${JSON.stringify(process.execPath)} ${JSON.stringify(EVERYTHING_SCRIPT)} stdio`;
  const args = [SUPERGATEWAY_SCRIPT, '--stdio', stdio, '--outputTransport', 'streamableHttp', '--stateful'];
  args.push('--port', String(port), '--logLevel', 'none', '--protocolVersion', '2025-06-18');
  return withServer(process.execPath, args, { env: PRELOAD_ENV }, async (proc) => {
    const url = `http://127.0.0.1:${port}/mcp`;
    await waitForMcp(url, proc);
    assertLoopbackOnly(proc.pid, 'supergateway');
    return measureHttp(ctx, { url, tool: 'echo', session: true });
  });
}
