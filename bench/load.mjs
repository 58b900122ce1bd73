// Load test: N concurrent MCP clients (own sessions) mixing Warden's built-in echo with an upstream's echo, then
// checks 0 errors, flat memory, and no leaked child processes or file descriptors. Exit code 1 when a check fails.
//   node bench/load.mjs [--quick] [--clients 50] [--duration S]     (needs `npm run build` first)
import { readdirSync, readlinkSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import console from 'node:console';
import { createLatencyRecorder } from './lib/histogram.mjs';
import { createHttpClient } from './lib/http-client.mjs';
import { ECHO_MESSAGE, closeSession, openSession, readMessages, toolCallBody } from './lib/mcp-http.mjs';
import { EVERYTHING_SCRIPT } from './lib/paths.mjs';
import { descendants, processStats } from './lib/proc.mjs';
import { memoryTrend } from './lib/trend.mjs';
import {
  BUILTIN_ECHO_ARG,
  assertWardenBuilt,
  createKey,
  readMemoryMetrics,
  startWarden,
  writeWardenConfig,
} from './lib/warden.mjs';
import { waitForTool } from './targets/warden.mjs';

const MB = 1024 * 1024;
export const MAX_MEMORY_GROWTH_BYTES = 10 * MB;
const SAMPLE_EVERY_MS = 500;
const WARMUP_SHARE = 0.2;
const SETTLE_TIMEOUT_MS = 5000;
const TOOLS = ['echo', 'everything__echo'];
const ARG_OF = { echo: BUILTIN_ECHO_ARG, everything__echo: 'message' };

function parseOptions() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      clients: { type: 'string', default: '50' },
      duration: { type: 'string' },
    },
  });
  const clients = Number(values.clients);
  const durationS = Number(values.duration ?? (values.quick ? 10 : 60));
  if (!Number.isInteger(clients) || clients < 1 || clients > 1000)
    throw new Error('--clients must be 1..1000');
  if (!Number.isFinite(durationS) || durationS <= 0 || durationS > 3600)
    throw new Error('--duration must be 0..3600');
  return { clients, durationS };
}

function fdTargets(pid) {
  return readdirSync(`/proc/${pid}/fd`).map((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`).replace(/\[\d+\]$/, '[…]');
    } catch (error) {
      return `gone (${error.code})`;
    }
  });
}

function difference(after, before) {
  const remaining = [...before];
  return after.filter((item) => {
    const i = remaining.indexOf(item);
    if (i < 0) return true;
    remaining.splice(i, 1);
    return false;
  });
}

async function lane(client, url, auth, index, deadline, tally) {
  const { headers } = await openSession(url, auth, client);
  let id = 1;
  while (performance.now() < deadline) {
    const tool = TOOLS[(index + id) % TOOLS.length];
    const started = performance.now();
    try {
      const res = await client.request(url, {
        method: 'POST',
        headers,
        body: toolCallBody(tool, id, ARG_OF[tool]),
      });
      const messages = await readMessages(res);
      const text = messages.find((m) => m.id === id)?.result?.content?.[0]?.text;
      if (res.status === 200 && typeof text === 'string' && text.includes(ECHO_MESSAGE)) {
        tally.ok[tool] += 1;
        tally.latency.record(performance.now() - started);
      } else {
        tally.fail(`${tool}: ${res.status} ${JSON.stringify(messages).slice(0, 200)}`);
      }
    } catch (error) {
      tally.fail(`${tool}: ${error.message}`);
    }
    id += 1;
  }
  await closeSession(url, headers, client);
}

async function sampleMemory(base, auth, client, pid, started, until, samples) {
  while (performance.now() < until) {
    const metrics = await readMemoryMetrics(base, auth, client).catch(() => ({ heapUsedBytes: null }));
    samples.push({
      t: (performance.now() - started) / 1000,
      rssBytes: processStats(pid).rssBytes,
      heap: metrics.heapUsedBytes,
    });
    await delay(SAMPLE_EVERY_MS);
  }
}

async function settledFds(pid, limit) {
  const until = performance.now() + SETTLE_TIMEOUT_MS;
  let fds = fdTargets(pid);
  while (fds.length > limit && performance.now() < until) {
    await delay(100);
    fds = fdTargets(pid);
  }
  return fds;
}

async function stableFds(pid) {
  const until = performance.now() + SETTLE_TIMEOUT_MS;
  let previous = fdTargets(pid);
  for (;;) {
    await delay(200);
    const current = fdTargets(pid);
    if (current.length === previous.length || performance.now() > until) return current;
    previous = current;
  }
}

function processGone(pid) {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return error.code === 'ESRCH';
  }
}

async function run({ clients, durationS }) {
  assertWardenBuilt();
  const upstreams = {
    everything: { command: process.execPath, args: [EVERYTHING_SCRIPT, 'stdio'], required: true },
  };
  const setup = await writeWardenConfig({ builtins: { echo: {} }, upstreams });
  const checks = [];
  const report = { clients, durationS };
  try {
    const auth = { authorization: `Bearer ${await createKey(setup.file)}` };
    const warden = await startWarden(setup);
    const pid = warden.proc.pid;
    let children = [];
    try {
      const probe = createHttpClient();
      for (const tool of TOOLS)
        await waitForTool(setup.url, auth, tool, { client: probe, argName: ARG_OF[tool] });
      probe.close();
      const before = await stableFds(pid);
      children = descendants(pid);
      report.before = { fds: before.length, children: children.length };

      const client = createHttpClient({ maxSockets: clients + 4 });
      const tally = {
        ok: { echo: 0, everything__echo: 0 },
        failures: 0,
        firstFailures: [],
        latency: createLatencyRecorder(),
      };
      tally.fail = (why) => {
        tally.failures += 1;
        if (tally.firstFailures.length < 5) tally.firstFailures.push(why);
      };
      const started = performance.now();
      const deadline = started + durationS * 1000;
      const samples = [];
      await Promise.all([
        ...Array.from({ length: clients }, (_, i) => lane(client, setup.url, auth, i, deadline, tally)),
        sampleMemory(setup.base, auth, client, pid, started, deadline, samples),
      ]);
      client.close();

      const measured = samples.filter((s) => s.t >= durationS * WARMUP_SHARE);
      const rss = memoryTrend(measured.map((s) => ({ t: s.t, value: s.rssBytes })));
      const heap = memoryTrend(measured.map((s) => ({ t: s.t, value: s.heap })));
      const after = await settledFds(pid, before.length);
      const childrenAfter = descendants(pid);
      Object.assign(report, {
        calls: tally.ok,
        callsPerS: (tally.ok.echo + tally.ok.everything__echo) / durationS,
        latency: tally.latency.summary(),
        failures: tally.failures,
        firstFailures: tally.firstFailures,
        rss,
        heap,
        after: { fds: after.length, children: childrenAfter.length },
        leakedFds: difference(after, before),
      });
      checks.push(['0 failed calls', tally.failures === 0, `${tally.failures} failed`]);
      checks.push([
        'both tools called',
        tally.ok.echo > 0 && tally.ok.everything__echo > 0,
        JSON.stringify(tally.ok),
      ]);
      checks.push([
        'RSS flat',
        rss !== null && rss.growthBytes <= MAX_MEMORY_GROWTH_BYTES,
        `growth ${((rss?.growthBytes ?? NaN) / MB).toFixed(1)} MB`,
      ]);
      checks.push([
        'heap flat (post-collection floor)',
        heap === null || heap.troughGrowthBytes <= MAX_MEMORY_GROWTH_BYTES,
        heap
          ? `floor growth ${(heap.troughGrowthBytes / MB).toFixed(1)} MB (medians ${(heap.growthBytes / MB).toFixed(1)} MB)`
          : 'no /metrics heap figure',
      ]);
      checks.push(['no leaked fds', after.length <= before.length, `${before.length} → ${after.length}`]);
      const sameChildren =
        childrenAfter.length === children.length && children.every((c) => childrenAfter.includes(c));
      checks.push([
        'same child processes',
        sameChildren,
        `${children.join(',')} → ${childrenAfter.join(',')}`,
      ]);
    } finally {
      await warden.proc.stop();
    }
    const until = performance.now() + SETTLE_TIMEOUT_MS;
    while (!children.every(processGone) && performance.now() < until) await delay(100);
    const orphans = children.filter((c) => !processGone(c));
    checks.push([
      'no processes left after stop',
      orphans.length === 0,
      orphans.length ? `left: ${orphans.join(',')}` : 'none',
    ]);
  } finally {
    setup.cleanup();
  }
  report.checks = checks.map(([name, ok, detail]) => ({ name, ok, detail }));
  return report;
}

async function main() {
  const options = parseOptions();
  const report = await run(options);
  console.log(JSON.stringify(report));
  for (const c of report.checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  if (report.checks.some((c) => !c.ok)) process.exitCode = 1;
}

main().catch((error) => {
  console.error(`load: ${error?.stack ?? error}`);
  process.exitCode = 1;
});
