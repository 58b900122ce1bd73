import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWarden, type RunningWarden } from '../../../src/app/start.js';
import { configFromObject } from '../../../src/config/index.js';
import { silentLogger } from '../../../src/log/index.js';

export const MINI_SERVER = fileURLToPath(new URL('../../fixtures/mini-server.mjs', import.meta.url));

export function miniUpstream(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { command: process.execPath, args: [MINI_SERVER], env: { MINI_NAME: name }, ...extra };
}

/** Starts Warden in-process on a loopback port with the given config (auth none, allow-all policy by default). */
export async function startTestGateway(
  config: Record<string, unknown>,
): Promise<RunningWarden & { url: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-test-'));
  const full = configFromObject(
    {
      listen: { http: '127.0.0.1:0' },
      auth: { mode: 'none' },
      policy: { default: 'allow' },
      store: { sqlite: join(dir, 'warden.db') },
      ...config,
    },
    { baseDir: dir },
  );
  const warden = await startWarden(full, { logger: silentLogger() });
  return { ...warden, url: `http://127.0.0.1:${warden.address!.port}/mcp`, dir };
}
