import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnChild } from './child.js';
import { freePort } from './free-port.js';
import { waitForHttp } from './wait-http.js';

/** The built CLI (`npm run build` first); WARDEN_E2E_CLI names another entry point (e.g. an installed package). */
export const WARDEN_CLI =
  process.env.WARDEN_E2E_CLI ?? fileURLToPath(new URL('../../../dist/bundle/warden.js', import.meta.url));
/** Longest Warden may take to report ready on /readyz. */
export const WARDEN_READY_TIMEOUT_MS = 15_000;

/** A Warden gateway running as a child process. */
export interface RunningWarden {
  /** The MCP endpoint, `http://127.0.0.1:PORT/mcp`. */
  readonly url: string;
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  readonly process: ChildProcess;
  /** Everything Warden wrote to stdout and stderr so far. */
  log(): string;
  /** SIGTERM, wait for exit, delete the temporary config folder. */
  stop(): Promise<void>;
}

/** Warden's built upstream client module, driven by test/fixtures/conformance-client.mjs. */
export const UPSTREAM_MODULE = fileURLToPath(new URL('../../../dist/upstream/index.js', import.meta.url));

/** True when the upstream client has been built. */
export function upstreamClientBuilt(): boolean {
  return existsSync(UPSTREAM_MODULE);
}

/** True when the CLI has been built. */
export function wardenBuilt(): boolean {
  return existsSync(WARDEN_CLI);
}

function withListen(config: Record<string, unknown>, port: number): Record<string, unknown> {
  const listen = typeof config.listen === 'object' && config.listen !== null ? config.listen : {};
  return { ...config, listen: { ...listen, http: `127.0.0.1:${port}` } };
}

function configuredPort(config: Record<string, unknown>): number | undefined {
  const listen = config.listen;
  if (typeof listen !== 'object' || listen === null || !('http' in listen)) return undefined;
  const match = typeof listen.http === 'string' ? /^127\.0\.0\.1:(\d+)$/.exec(listen.http) : null;
  const port = match ? Number(match[1]) : 0;
  return port > 0 ? port : undefined;
}

/**
 * Writes `config` as a temporary warden.yaml (JSON is valid YAML), runs `warden serve --config FILE`, and
 * waits for `GET /readyz` → 200. A missing or `:0` listen port is replaced by a free one.
 */
export async function startWarden(input: object): Promise<RunningWarden> {
  const config: Record<string, unknown> = Object.fromEntries(Object.entries(input));
  const port = configuredPort(config) ?? (await freePort());
  const dir = await mkdtemp(join(tmpdir(), 'warden-e2e-'));
  const file = join(dir, 'warden.yaml');
  await writeFile(file, JSON.stringify(withListen(config, port), null, 2), { mode: 0o600 });
  const child = spawnChild(process.execPath, [WARDEN_CLI, 'serve', '--config', file], { cwd: dir });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    await child.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`${baseUrl}/readyz`, {
      timeoutMs: WARDEN_READY_TIMEOUT_MS,
      status: 200,
      isAlive: () => child.process.exitCode === null && child.process.signalCode === null,
    });
  } catch (error) {
    const log = child.log();
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- warden log ---\n${log}`);
  }
  return { url: `${baseUrl}/mcp`, baseUrl, process: child.process, log: () => child.log(), stop };
}
