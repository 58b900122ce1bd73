// B3: Warden's memory over a long run of built-in echo calls after a warm-up, sampled from /proc and /metrics.
import { runLoad } from '../lib/cannon.mjs';
import { openSession, toolCallBody, checkEcho } from '../lib/mcp-http.mjs';
import { processStats } from '../lib/proc.mjs';
import { memoryTrend } from '../lib/trend.mjs';
import { BUILTIN_ECHO_ARG, readMemoryMetrics } from '../lib/warden.mjs';
import { withWarden } from './warden.mjs';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';

export const SOAK_CONNECTIONS = 10;
export const SOAK_SAMPLE_EVERY_MS = 500;
const SOAK_TIMEOUT_MS = 1_800_000;

async function sample(base, headers, pid, t) {
  const { heapUsedBytes, liveHeapBytes } = await readMemoryMetrics(base, headers).catch(() => ({
    heapUsedBytes: null,
    liveHeapBytes: null,
  }));
  return { t, rssBytes: processStats(pid).rssBytes, heapUsedBytes, liveHeapBytes };
}

function heapTrend(samples) {
  const live = memoryTrend(samples.map((s) => ({ t: s.t, value: s.liveHeapBytes })));
  const used = memoryTrend(samples.map((s) => ({ t: s.t, value: s.heapUsedBytes })));
  return live ? { heap: live, heapSource: 'live', heapUsed: used } : { heap: used, heapSource: 'used' };
}

/** Runs `calls` echo calls after `warmupCalls` through one session and returns the memory trend. */
export function wardenSoak(ctx, { calls, warmupCalls }) {
  return withWarden(ctx, { builtins: { echo: {} } }, async (setup, authHeaders, warden) => {
    const { headers } = await openSession(setup.url, authHeaders);
    await checkEcho(setup.url, headers, 'echo', { argName: BUILTIN_ECHO_ARG });
    const job = {
      url: setup.url,
      headers,
      body: toolCallBody('echo', 1, BUILTIN_ECHO_ARG),
      connectionsList: [SOAK_CONNECTIONS],
    };
    await runLoad({ ...job, amount: warmupCalls, timeoutMs: SOAK_TIMEOUT_MS });
    const samples = [];
    const started = performance.now();
    const pid = warden.proc.pid;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push(await sample(setup.base, authHeaders, pid, (performance.now() - started) / 1000));
        await new Promise((resolve) => setTimeout(resolve, SOAK_SAMPLE_EVERY_MS));
      }
    })();
    let load;
    try {
      [load] = await runLoad({ ...job, amount: calls, timeoutMs: SOAK_TIMEOUT_MS });
    } finally {
      sampling = false;
      await sampler;
    }
    samples.push(await sample(setup.base, authHeaders, pid, (performance.now() - started) / 1000));
    return {
      calls: load.requests,
      ok: load.ok2xx,
      failures: load.non2xx + load.errors + load.timeouts,
      rps: load.rps,
      p50Ms: load.p50Ms,
      p99Ms: load.p99Ms,
      rss: memoryTrend(samples.map((s) => ({ t: s.t, value: s.rssBytes }))),
      // The live heap (right after full collections) where Warden exports it; else the swinging heap in use.
      ...heapTrend(samples),
      samples,
    };
  });
}
