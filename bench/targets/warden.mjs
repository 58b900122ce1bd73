// Warden's own figures (B1, B2, B5, B6), each with authentication, rate limits, policy and audit on.
import process from 'node:process';
import { measureHttp } from '../lib/http-target.mjs';
import { assertLoopbackOnly } from '../lib/loopback-check.mjs';
import { EVERYTHING_SCRIPT, SERVERS_DIR } from '../lib/paths.mjs';
import { checkEcho, closeSession, fetchClient, openSession } from '../lib/mcp-http.mjs';
import {
  BUILTIN_ECHO_ARG,
  assertWardenBuilt,
  benchAllowRule,
  createKey,
  startWarden,
  writeWardenConfig,
} from '../lib/warden.mjs';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';

export const STARTUP_SAMPLES = 10;
const UPSTREAM_READY_TIMEOUT_MS = 120_000;

/** Starts Warden with `configOptions`, runs `body(setup, headers, warden)`, then stops it and removes its folder. */
export async function withWarden(ctx, configOptions, body) {
  assertWardenBuilt();
  const setup = await writeWardenConfig(configOptions);
  try {
    const key = await createKey(setup.file);
    const warden = await startWarden(setup, { nodeArgs: ctx.wardenNodeArgs ?? [] });
    try {
      assertLoopbackOnly(warden.proc.pid, 'warden');
      return await body(setup, { authorization: `Bearer ${key}` }, warden);
    } finally {
      await warden.proc.stop();
    }
  } finally {
    setup.cleanup();
  }
}

/** B1: the built-in echo tool over Streamable HTTP with every guard on. */
export function wardenBuiltin(ctx) {
  return withWarden(ctx, { builtins: { echo: {} } }, (setup, headers) =>
    measureHttp(ctx, { url: setup.url, tool: 'echo', argName: BUILTIN_ECHO_ARG, headers }),
  );
}

/** B1 again with `audit.durability: os` (record handed to the OS, not fsynced, before the reply): the fsync's share. */
export function wardenBuiltinOsDurability(ctx) {
  return withWarden(ctx, { builtins: { echo: {} }, audit: { durability: 'os' } }, (setup, headers) =>
    measureHttp(ctx, { url: setup.url, tool: 'echo', argName: BUILTIN_ECHO_ARG, headers }),
  );
}

/** B2: server-everything as a stdio upstream behind Warden (names unprefixed, so the tool is `echo`). */
export function wardenUpstream(ctx) {
  return wardenInFrontOfEverything(ctx, {});
}

/** B2's configuration with `audit.durability: os`: the share of B2's added latency that is the disk's flush. */
export function wardenUpstreamOsDurability(ctx) {
  return wardenInFrontOfEverything(ctx, { audit: { durability: 'os' } });
}

function wardenInFrontOfEverything(ctx, configOptions) {
  const upstreams = {
    everything: {
      command: process.execPath,
      args: [EVERYTHING_SCRIPT, 'stdio'],
      prefix: false,
      required: true,
    },
  };
  return withWarden(ctx, { ...configOptions, upstreams }, async (setup, headers) => {
    await waitForTool(setup.url, headers, 'echo');
    return measureHttp(ctx, { url: setup.url, tool: 'echo', headers });
  });
}

/** Retries one echo call until the upstream serving `tool` is connected (upstreams may start after /readyz). */
export async function waitForTool(url, headers, tool, { client = fetchClient, argName = 'message' } = {}) {
  const started = performance.now();
  for (;;) {
    try {
      const session = await openSession(url, headers, client);
      await checkEcho(url, session.headers, tool, { client, argName });
      await closeSession(url, session.headers, client);
      return;
    } catch (error) {
      if (performance.now() - started > UPSTREAM_READY_TIMEOUT_MS) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** B5: `warden serve` spawn → first 200 from /readyz, no upstreams; median of STARTUP_SAMPLES. */
export async function wardenStartup(ctx) {
  assertWardenBuilt();
  const setup = await writeWardenConfig({ builtins: { echo: {} } });
  try {
    await createKey(setup.file);
    const samples = [];
    for (let i = 0; i < (ctx.startupSamples ?? STARTUP_SAMPLES); i += 1) {
      const started = performance.now();
      const warden = await startWarden(setup);
      samples.push(performance.now() - started);
      await warden.proc.stop();
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const medianMs = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return { medianMs, minMs: sorted[0], maxMs: sorted.at(-1), samplesMs: samples };
  } finally {
    setup.cleanup();
  }
}

export function manyUpstreams(upstreamCount, toolsEach) {
  const upstreams = {};
  for (let u = 0; u < upstreamCount; u += 1) {
    upstreams[`u${u}`] = {
      command: process.execPath,
      args: [`${SERVERS_DIR}many-tools.mjs`, '--tools', String(toolsEach)],
      required: true,
    };
  }
  return upstreams;
}

/** Rules that never match the bench principal (but must be scanned), then the bench allow rule last. */
export function manyRules(count, upstreamCount, toolsEach) {
  const rules = [];
  for (let i = 0; i < count - 1; i += 1) {
    rules.push({
      name: `other-${i}`,
      principals: [`someone-else-${i}`],
      tools: [`u${i % upstreamCount}__tool_${i % toolsEach}`],
      effect: i % 3 === 0 ? 'deny' : 'allow',
      when: [{ pointer: '/message', prefix: 'x' }],
    });
  }
  rules.push(benchAllowRule(['*'], 'message'));
  return rules;
}

/** B6: per-call latency with `upstreamCount × toolsEach` tools and `ruleCount` rules, calling the last tool. */
export function wardenGrowth(ctx, { upstreamCount, toolsEach, ruleCount }) {
  // Audit records reach the OS but are not fsynced here: on these shared disks one fsync swings from 0.3 to 15 ms,
  // which would drown the routing and policy cost that B6 compares (B1 and B2 keep the fsync).
  const configOptions = {
    upstreams: manyUpstreams(upstreamCount, toolsEach),
    rules: manyRules(ruleCount, upstreamCount, toolsEach),
    audit: { durability: 'os' },
  };
  const tool = `u${upstreamCount - 1}__tool_${toolsEach - 1}`;
  return withWarden(ctx, configOptions, async (setup, headers, warden) => {
    await waitForTool(setup.url, headers, tool);
    return measureHttp(ctx, { url: setup.url, tool, headers, cpuPid: warden.proc.pid });
  });
}
