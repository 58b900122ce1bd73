import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  parseChecks,
  parseSuiteOutput,
  scenarioFailed,
  type ConformanceCheck,
  type SuiteSummary,
} from './parse-output.js';

/** The suite's CLI, run with this Node directly (faster than npx). */
export const CONFORMANCE_BIN = fileURLToPath(
  new URL('../../node_modules/@modelcontextprotocol/conformance/dist/index.js', import.meta.url),
);
/** Preload that keeps the suite's own mock servers (client mode) on 127.0.0.1. */
export const LOOPBACK_PRELOAD = fileURLToPath(new URL('../fixtures/loopback-preload.cjs', import.meta.url));
/** Longest one suite invocation may take before it is killed. */
export const DEFAULT_CONFORMANCE_TIMEOUT_MS = 240_000;
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;
const OUTPUT_TAIL_CHARS = 4000;

/** Options of {@link runConformance}. */
export interface RunConformanceOptions {
  /** Streamable HTTP endpoint under test. */
  readonly url: string;
  /** One scenario instead of a suite. */
  readonly scenario?: string;
  /** `active` (default), `all` or `pending`. */
  readonly suite?: 'active' | 'all' | 'pending';
  /** Path of an expected-failures YAML file (`server: [...]`). */
  readonly baseline?: string;
  /** @default DEFAULT_CONFORMANCE_TIMEOUT_MS */
  readonly timeoutMs?: number;
}

/** Options of {@link runConformanceClient}. */
export interface RunConformanceClientOptions {
  /** Command line of the client under test; the suite appends the mock server's URL. */
  readonly command: string;
  readonly scenario: string;
  /** Path of an expected-failures YAML file (`client: [...]`). */
  readonly baseline?: string;
  /** Per-scenario client timeout handed to the suite. @default 30000 */
  readonly clientTimeoutMs?: number;
  /** @default DEFAULT_CONFORMANCE_TIMEOUT_MS */
  readonly timeoutMs?: number;
}

/** What one suite invocation reported. */
export interface ConformanceRun extends SuiteSummary {
  /** stdout followed by stderr, colour escapes kept. */
  readonly output: string;
  readonly exitCode: number | null;
  /** Every check of every scenario, from the suite's checks.json files. */
  readonly checks: Readonly<Record<string, readonly ConformanceCheck[]>>;
  /** Scenarios with a FAILURE or WARNING check (the suite's baseline rule), sorted. */
  readonly failedScenarios: readonly string[];
}

interface Spawned {
  readonly output: string;
  readonly exitCode: number | null;
}

function runSuite(args: readonly string[], timeoutMs: number): Promise<Spawned> {
  const nodeOptions = [process.env.NODE_OPTIONS ?? '', `--require=${LOOPBACK_PRELOAD}`].join(' ').trim();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CONFORMANCE_BIN, ...args], {
      env: { ...process.env, NODE_OPTIONS: nodeOptions, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const append = (current: string, chunk: Buffer): string =>
      current.length > MAX_OUTPUT_BYTES ? current : current + chunk.toString('utf8');
    child.stdout.on('data', (chunk: Buffer) => (stdout = append(stdout, chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr = append(stderr, chunk)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ output: `${stdout}\n${stderr}`, exitCode });
    });
  });
}

async function readAllChecks(dir: string, prefix: string): Promise<Record<string, ConformanceCheck[]>> {
  const result: Record<string, ConformanceCheck[]> = {};
  for (const entry of await readdir(dir, { recursive: true })) {
    if (!entry.endsWith('checks.json')) continue;
    const folder = entry.slice(0, -'/checks.json'.length);
    const scenario = folder.replace(/-\d{4}-\d{2}-\d{2}T[\d-]+Z$/, '').slice(prefix.length);
    result[scenario] = parseChecks(await readFile(join(dir, entry), 'utf8'));
  }
  return result;
}

async function withOutputDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'warden-conformance-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function toRun(
  spawned: Spawned,
  checks: Record<string, ConformanceCheck[]>,
  scenario?: string,
): ConformanceRun {
  let summary: SuiteSummary;
  try {
    summary = parseSuiteOutput(spawned.output, scenario);
  } catch (error) {
    const tail = spawned.output.slice(-OUTPUT_TAIL_CHARS);
    throw new Error(`conformance suite exited ${spawned.exitCode} without a summary:\n${tail}`, {
      cause: error,
    });
  }
  // Suite order (the summary's), so reports read like the suite's own output.
  const ordered: Record<string, ConformanceCheck[]> = {};
  for (const name of Object.keys(summary.scenarios)) if (checks[name]) ordered[name] = checks[name];
  for (const [name, list] of Object.entries(checks)) ordered[name] ??= list;
  const failedScenarios = Object.entries(checks)
    .filter(([, list]) => scenarioFailed(list))
    .map(([name]) => name)
    .sort();
  return { ...summary, output: spawned.output, exitCode: spawned.exitCode, checks: ordered, failedScenarios };
}

/** Runs `conformance server` against `url` and returns its parsed results. */
export function runConformance(options: RunConformanceOptions): Promise<ConformanceRun> {
  return withOutputDir(async (dir) => {
    const args = ['server', '--url', options.url, '-o', dir];
    if (options.scenario !== undefined) args.push('--scenario', options.scenario);
    else args.push('--suite', options.suite ?? 'active');
    if (options.baseline !== undefined) args.push('--expected-failures', options.baseline);
    const spawned = await runSuite(args, options.timeoutMs ?? DEFAULT_CONFORMANCE_TIMEOUT_MS);
    return toRun(spawned, await readAllChecks(dir, 'server-'), options.scenario);
  });
}

/** Runs `conformance client --command CMD --scenario NAME` and returns its parsed results. */
export function runConformanceClient(options: RunConformanceClientOptions): Promise<ConformanceRun> {
  return withOutputDir(async (dir) => {
    const args = ['client', '--command', options.command, '--scenario', options.scenario, '-o', dir];
    args.push('--timeout', String(options.clientTimeoutMs ?? 30_000));
    if (options.baseline !== undefined) args.push('--expected-failures', options.baseline);
    const spawned = await runSuite(args, options.timeoutMs ?? DEFAULT_CONFORMANCE_TIMEOUT_MS);
    return toRun(spawned, await readAllChecks(dir, ''), options.scenario);
  });
}
