import { fileURLToPath } from 'node:url';
import { spawnChild, type TestChild } from './child.js';
import { freePort } from './free-port.js';
import { waitForHttp } from './wait-http.js';

/** The conformance fixture server (plain JavaScript, runs under `node`). */
export const FIXTURE_SERVER = fileURLToPath(
  new URL('../../fixtures/conformance-server.mjs', import.meta.url),
);
/** Preload that binds host-less `listen()` calls to 127.0.0.1. */
export const LOOPBACK_PRELOAD = fileURLToPath(
  new URL('../../fixtures/loopback-preload.cjs', import.meta.url),
);
/** server-everything's entry point. */
export const SERVER_EVERYTHING = fileURLToPath(
  new URL('../../../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url),
);
/** Longest an MCP server process may take to start listening. */
export const SERVER_READY_TIMEOUT_MS = 15_000;

/** An MCP server reachable over Streamable HTTP on loopback. */
export interface HttpMcpServer {
  readonly url: string;
  readonly child: TestChild;
  stop(): Promise<void>;
}

/** Starts the fixture with `--http 0` and waits for its `listening URL` line. */
export async function startFixtureHttp(): Promise<HttpMcpServer> {
  const child = spawnChild(process.execPath, [FIXTURE_SERVER, '--http', '0']);
  try {
    const match = await child.waitForLine(
      /^listening (http:\/\/127\.0\.0\.1:\d+\/mcp)$/,
      SERVER_READY_TIMEOUT_MS,
    );
    return { url: match[1] ?? '', child, stop: () => child.stop() };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

/** Starts server-everything over Streamable HTTP, kept on 127.0.0.1 by the loopback preload. */
export async function startServerEverythingHttp(): Promise<HttpMcpServer> {
  const port = await freePort();
  const child = spawnChild(
    process.execPath,
    ['--require', LOOPBACK_PRELOAD, SERVER_EVERYTHING, 'streamableHttp'],
    {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port) },
    },
  );
  const url = `http://127.0.0.1:${port}/mcp`;
  try {
    await waitForHttp(url, {
      timeoutMs: SERVER_READY_TIMEOUT_MS,
      isAlive: () => child.process.exitCode === null,
    });
    return { url, child, stop: () => child.stop() };
  } catch (error) {
    await child.stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${child.log()}`);
  }
}

/** Upstream config for the fixture over stdio (tool names unchanged). */
export function fixtureStdioUpstream(): Record<string, unknown> {
  return { command: process.execPath, args: [FIXTURE_SERVER, '--stdio'], prefix: false };
}

/** Upstream config for server-everything over stdio (tool names unchanged). */
export function serverEverythingStdioUpstream(): Record<string, unknown> {
  return { command: process.execPath, args: [SERVER_EVERYTHING, 'stdio'], prefix: false };
}

/** Upstream config for an HTTP MCP server (tool names unchanged). */
export function httpUpstream(url: string): Record<string, unknown> {
  return { url, prefix: false };
}
