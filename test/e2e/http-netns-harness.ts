/**
 * Runs inside a fresh network namespace (`unshare -n`): gives `lo` the addresses an SSRF would aim at, starts
 * recording HTTP servers on them, then runs `http_fetch` cases read as JSON lines from stdin and answers each
 * with its outcomes and every request any server received. Nothing here can reach a real network.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { createInterface } from 'node:readline';
import { httpConfigSchema } from '../../src/config/builtins.js';
import { isWardenError } from '../../src/errors/index.js';
import type { Resolver } from '../../src/net/index.js';
import { createHttpTools } from '../../src/tools/http/index.js';
import { startRecordingServer, type Hit, type RecordingServer } from './http-servers.js';

/** A case sent by the outer test. */
export interface HarnessCase {
  id: number;
  config: Record<string, unknown>;
  calls: unknown[];
  resolve?: Record<string, string[][]>;
  env?: Record<string, string>;
}

/** What the harness answers. */
export interface HarnessOutcome {
  code?: string;
  message?: string;
  result?: unknown;
}

const V4_ADDRESSES = ['10.0.0.5', '169.254.169.254', '192.168.1.10', '100.64.0.1', '172.16.0.1'];
const V6_ADDRESSES = ['fd00:ec2::254'];
const SERVERS: [string, number][] = [
  ...['127.0.0.1', '::1', ...V4_ADDRESSES, ...V6_ADDRESSES].flatMap((host): [string, number][] => [
    [host, 80],
    [host, 8080],
  ]),
  ['127.0.0.1', 8081],
  ['10.0.0.5', 3128],
];

function setUpInterfaces(): void {
  execFileSync('ip', ['link', 'set', 'lo', 'up']);
  for (const a of V4_ADDRESSES) execFileSync('ip', ['addr', 'add', `${a}/32`, 'dev', 'lo']);
  for (const a of V6_ADDRESSES) execFileSync('ip', ['-6', 'addr', 'add', `${a}/128`, 'dev', 'lo', 'nodad']);
}

function scriptedResolver(script: Record<string, string[][]>): Resolver {
  const calls = new Map<string, number>();
  return (host) => {
    const answers = script[host];
    if (answers === undefined) return Promise.reject(new Error(`ENOTFOUND ${host}`));
    const n = calls.get(host) ?? 0;
    calls.set(host, n + 1);
    const pick = answers[Math.min(n, answers.length - 1)] ?? [];
    return Promise.resolve(pick.map((address) => ({ address, family: isIP(address) === 6 ? 6 : 4 })));
  };
}

async function runCase(
  c: HarnessCase,
  hits: Hit[],
): Promise<{ id: number; outcomes: HarnessOutcome[]; hits: Hit[] }> {
  hits.length = 0;
  const saved = { ...process.env };
  Object.assign(process.env, c.env ?? {});
  const outcomes: HarnessOutcome[] = [];
  try {
    const family = await createHttpTools(
      httpConfigSchema.parse(c.config),
      c.resolve ? { resolve: scriptedResolver(c.resolve) } : {},
    );
    const tool = family.tools[0];
    if (tool === undefined) throw new Error('no tool');
    for (const args of c.calls) {
      try {
        const result = await tool.call(args as Record<string, unknown>, {
          signal: new AbortController().signal,
          requestId: String(c.id),
        });
        outcomes.push({ result });
      } catch (error) {
        outcomes.push(
          isWardenError(error)
            ? { code: error.code, message: error.message }
            : { code: 'NON_WARDEN', message: String(error) },
        );
      }
    }
  } finally {
    for (const key of Object.keys(c.env ?? {})) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
  // Let servers finish recording requests whose responses were cut short.
  await new Promise((r) => setTimeout(r, 20));
  return { id: c.id, outcomes, hits: [...hits] };
}

async function main(): Promise<void> {
  setUpInterfaces();
  const hits: Hit[] = [];
  const servers: RecordingServer[] = [];
  for (const [host, port] of SERVERS) servers.push(await startRecordingServer(host, port, hits));
  const keyFile = process.env.HARNESS_TLS_KEY;
  const certFile = process.env.HARNESS_TLS_CERT;
  if (keyFile !== undefined && certFile !== undefined) {
    const tls = { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
    servers.push(await startRecordingServer('127.0.0.1', 8443, hits, tls));
  }
  process.stdout.write(`${JSON.stringify({ ready: servers.map((s) => s.label) })}\n`);
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const c = JSON.parse(line) as HarnessCase;
    process.stdout.write(`${JSON.stringify(await runCase(c, hits))}\n`);
  }
  await Promise.all(servers.map((s) => s.close()));
}

main().catch((error: unknown) => {
  process.stderr.write(`harness failed: ${String(error)}\n`);
  process.exitCode = 1;
});
