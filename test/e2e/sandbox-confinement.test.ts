import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBwrap, sandboxedCommand } from '../../src/sandbox/index.js';

const SYSTEM_NODE = realpathSync(process.execPath);
const bwrap = findBwrap();
const usable = bwrap !== undefined && SYSTEM_NODE.startsWith('/usr/');
if (!usable && process.env.CI === 'true')
  throw new Error('CI=true but bubblewrap or a system node under /usr is missing');
if (!usable) process.stderr.write('sandbox e2e: skipped (needs bwrap and node under /usr)\n');

/** The child: tries each access and reports the outcome as one JSON line. */
const PROBE = `
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
const [allowed, secret, writable, readOnlyTarget, port] = process.argv.slice(2);
const attempt = (fn) => { try { return fn(); } catch (e) { return e.code; } };
const out = {
  allowed: attempt(() => readFileSync(allowed, 'utf8')),
  secret: attempt(() => readFileSync(secret, 'utf8')),
  write: attempt(() => { writeFileSync(writable, 'w'); return 'ok'; }),
  readOnlyWrite: attempt(() => { writeFileSync(readOnlyTarget, 'w'); return 'ok'; }),
  env: Object.keys(process.env).sort(),
};
const socket = connect(Number(port), '127.0.0.1');
const done = (v) => { out.connect = v; process.stdout.write(JSON.stringify(out)); socket.destroy(); };
socket.on('connect', () => done('connected'));
socket.on('error', (e) => done(e.code));
setTimeout(() => done('timeout'), 2000).unref();
`;

interface ProbeResult {
  allowed: string;
  secret: string;
  write: string;
  readOnlyWrite: string;
  env: string[];
  connect: string;
}

describe.skipIf(!usable)('sandboxedCommand (bubblewrap)', () => {
  let base: string;
  let server: Server;
  let port: number;
  let connections = 0;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'warden-sandbox-e2e-'));
    for (const dir of ['app', 'secret', 'data']) mkdirSync(join(base, dir));
    writeFileSync(join(base, 'app', 'probe.mjs'), PROBE);
    writeFileSync(join(base, 'app', 'allowed.txt'), 'visible');
    writeFileSync(join(base, 'secret', 'secret.txt'), 'TOPSECRET');
    server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(base, { recursive: true, force: true });
  });

  async function runProbe(network: boolean): Promise<ProbeResult> {
    const { command, args } = sandboxedCommand(
      SYSTEM_NODE,
      [
        join(base, 'app', 'probe.mjs'),
        join(base, 'app', 'allowed.txt'),
        join(base, 'secret', 'secret.txt'),
        join(base, 'data', 'out.txt'),
        join(base, 'app', 'overwrite.txt'),
        String(port),
      ],
      {
        sandbox: { paths: [join(base, 'app')], writable: [join(base, 'data')], network },
        env: { PROBE: '1' },
        cwd: join(base, 'app'),
      },
    );
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { WARDEN_SECRET: 'leak' } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await new Promise((resolve) => child.on('close', resolve));
    return JSON.parse(stdout) as ProbeResult;
  }

  it('shows allowed paths, hides the rest, keeps read-only binds read-only, and has no network', async () => {
    const result = await runProbe(false);
    expect(result).toEqual({
      allowed: 'visible',
      secret: 'ENOENT',
      write: 'ok',
      readOnlyWrite: 'EROFS',
      env: ['PROBE', 'PWD'],
      connect: 'ECONNREFUSED',
    });
    expect(connections).toBe(0);
    expect(readFileSync(join(base, 'data', 'out.txt'), 'utf8')).toBe('w');
  });

  it('reaches a loopback server only when network is shared', async () => {
    const result = await runProbe(true);
    expect(result.connect).toBe('connected');
    expect(result.secret).toBe('ENOENT');
  });
});
