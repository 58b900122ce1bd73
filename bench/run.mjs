// `npm run bench`: measures the floor, the peers and Warden in one run on loopback, prints the same-run tables,
// and writes the raw results to bench/results/<timestamp>.json. See docs/benchmarks.md.
//   node bench/run.mjs [--quick] [--only id,id] [--duration S] [--warmup S] [--rounds N] [--profile]
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { describeMachine } from './lib/machine.mjs';
import { BENCH_DIR } from './lib/paths.mjs';
import { summariseProfiles } from './lib/profile-summary.mjs';
import { targetVerdicts, throughputTable } from './lib/report.mjs';
import { auditBench } from './targets/audit.mjs';
import { floor, mcpProxy, sdkSession, sdkStateless, supergateway } from './targets/peers.mjs';
import { wardenSoak } from './targets/soak.mjs';
import { sdkStdioClient } from './targets/stdio-client.mjs';
import {
  wardenBuiltin,
  wardenBuiltinOsDurability,
  wardenGrowth,
  wardenStartup,
  wardenUpstream,
  wardenUpstreamOsDurability,
} from './targets/warden.mjs';
import { performance } from 'node:perf_hooks';
import console from 'node:console';

const MODES = {
  quick: { durationS: 1, warmupS: 0.5, soakCalls: 5000, soakWarmupCalls: 1000, startupSamples: 5 },
  full: { durationS: 10, warmupS: 2, soakCalls: 200_000, soakWarmupCalls: 20_000, startupSamples: 10 },
};

const THROUGHPUT = [
  ['floor', 'floor: node:http JSON-RPC echo', floor],
  ['sdk-stateless', 'MCP SDK Streamable HTTP, stateless', sdkStateless],
  ['sdk-session', 'MCP SDK Streamable HTTP, one session', sdkSession],
  ['mcp-proxy', 'mcp-proxy → server-everything (stdio)', mcpProxy],
  ['supergateway', 'supergateway → server-everything (stdio)', supergateway],
  ['sdk-stdio-client', 'SDK client → server-everything, stdio, no HTTP', sdkStdioClient],
  ['warden-builtin', 'Warden built-in echo, all guards on (B1)', wardenBuiltin],
  ['warden-builtin-os', 'Warden built-in echo, audit durability: os', wardenBuiltinOsDurability],
  ['warden-upstream', 'Warden → server-everything (stdio) (B2)', wardenUpstream],
  ['warden-upstream-os', 'Warden → server-everything, audit durability: os', wardenUpstreamOsDurability],
  [
    'warden-growth-small',
    'Warden, 10 tools / 10 rules (B6 base)',
    (ctx) => wardenGrowth(ctx, { upstreamCount: 1, toolsEach: 10, ruleCount: 10 }),
  ],
  [
    'warden-growth-big',
    'Warden, 100×50 tools / 1,000 rules (B6)',
    (ctx) => wardenGrowth(ctx, { upstreamCount: 100, toolsEach: 50, ruleCount: 1000 }),
  ],
];

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      profile: { type: 'boolean', default: false },
      rounds: { type: 'string', default: '1' },
    },
  });
  const mode = { ...(values.quick ? MODES.quick : MODES.full) };
  if (values.duration !== undefined) mode.durationS = positive(values.duration, '--duration');
  if (values.warmup !== undefined) mode.warmupS = positive(values.warmup, '--warmup', true);
  const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : null;
  const rounds = positive(values.rounds, '--rounds');
  if (!Number.isInteger(rounds) || rounds > 10) throw new Error('--rounds must be an integer 1..10');
  return { quick: values.quick, profile: values.profile, only, rounds, ...mode };
}

function positive(text, name, zeroOk = false) {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || (!zeroOk && n === 0))
    throw new Error(`${name} must be a positive number`);
  return n;
}

async function attempt(label, fn) {
  const started = performance.now();
  process.stderr.write(`bench: ${label} …`);
  try {
    const value = await fn();
    process.stderr.write(` ok (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
    return { status: 'ok', value };
  } catch (error) {
    const reason = String(error?.message ?? error)
      .split('\n')[0]
      .slice(0, 200);
    process.stderr.write(` n/a: ${reason}\n`);
    return { status: 'n/a', reason };
  }
}

function medianOfRounds({ id, label, outcomes }) {
  const ok = outcomes.filter((o) => o.status === 'ok');
  if (ok.length === 0) return { id, label, status: 'n/a', reason: outcomes[0].reason, points: [] };
  const byConnections = new Map();
  for (const o of ok)
    for (const p of o.value)
      byConnections.set(p.connections, [...(byConnections.get(p.connections) ?? []), p]);
  const points = [...byConnections.values()].map((ps) => {
    const sorted = [...ps].sort((a, b) => a.rps - b.rps);
    return { ...sorted[Math.floor((sorted.length - 1) / 2)], rounds: ps.map((p) => p.rps) };
  });
  return { id, label, status: 'ok', failedRounds: outcomes.length - ok.length, points };
}

function printReport(results, options, table) {
  const m = results.machine;
  const per = `${options.durationS} s per point after ${options.warmupS} s warm-up`;
  console.log(`\nWarden bench (${results.mode}, ${per})`);
  console.log(`${m.nproc} × ${m.cpuModel}, Node ${m.node}, commit ${m.commit}`);
  console.log(`load average at start ${m.loadAverage.join(' ')}, at end ${m.loadAverageAtEnd.join(' ')}`);
  if (Math.max(m.loadAverage[0], m.loadAverageAtEnd[0]) > m.nproc) {
    console.log(
      'warning: the machine was busy with other work (load > cores); compare ratios, not absolute figures',
    );
  }
  const rounds =
    options.rounds > 1 ? `median of ${options.rounds} interleaved rounds per point` : 'one round';
  console.log(`${rounds}\n`);
  console.log(throughputTable(results));
  console.log('');
  console.log(table);
  for (const p of results.profiles ?? []) {
    const lines = p.top.map((t) => `  ${t.selfPct.toFixed(1)}% of busy time  ${t.fn}  ${t.where}`);
    console.log(`\nprofile ${p.file}\n${lines.join('\n')}`);
  }
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = `${BENCH_DIR}results/`;
  const profileDir = `${resultsDir}profiles-${stamp}`;
  const ctx = {
    ...options,
    connections: [1, 10],
    wardenNodeArgs: options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  };
  const wanted = (id) => options.only === null || options.only.has(id);
  const started = performance.now();
  const results = {
    machine: describeMachine(),
    mode: options.quick ? 'quick' : 'full',
    options,
    throughput: [],
  };

  // With --rounds N the whole set runs N times, interleaved, and each point keeps its median-rps round:
  // on a shared, noisy machine that keeps a burst of outside load from landing on one setup only.
  const rounds = new Map();
  for (let round = 0; round < options.rounds; round += 1) {
    for (const [id, label, fn] of THROUGHPUT) {
      if (!wanted(id)) continue;
      const suffix = options.rounds > 1 ? ` [round ${round + 1}]` : '';
      const outcome = await attempt(`${label}${suffix}`, () => fn(ctx));
      if (!rounds.has(id)) rounds.set(id, { id, label, outcomes: [] });
      rounds.get(id).outcomes.push(outcome);
    }
  }
  for (const entry of rounds.values()) results.throughput.push(medianOfRounds(entry));
  if (wanted('startup')) results.startup = await attempt('Warden start-up (B5)', () => wardenStartup(ctx));
  if (wanted('soak')) {
    const soak = { calls: options.soakCalls, warmupCalls: options.soakWarmupCalls };
    results.soak = await attempt(`Warden soak ${soak.calls} calls (B3)`, () => wardenSoak(ctx, soak));
  }
  if (wanted('audit')) results.audit = await attempt('audit (B4)', () => auditBench(ctx));
  if (options.profile) results.profiles = summariseProfiles(profileDir);
  results.elapsedS = (performance.now() - started) / 1000;
  results.machine.loadAverageAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));

  const { table, verdicts } = targetVerdicts(results);
  results.verdicts = verdicts;
  mkdirSync(resultsDir, { recursive: true });
  const file = `${resultsDir}${stamp}.json`;
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);

  printReport(results, options, table);
  console.log(`\nresults: ${file} (${results.elapsedS.toFixed(0)} s)`);
}

main().catch((error) => {
  console.error(`bench: ${error?.stack ?? error}`);
  process.exitCode = 1;
});
