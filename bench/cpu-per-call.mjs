// CPU time per call of a server under load, read from /proc: steadier than requests/s on a noisy 2-core machine,
// and split by thread (Warden's main thread, V8's helpers, libuv's pool, the audit checkpoint thread).
// Also prints the whole machine's busy CPU per call (every process, the load generator included).
//   node bench/cpu-per-call.mjs [--connections 10] [--seconds 5] [--rate N] [floor] [warden] [warden-os]
//     [growth-small] [growth-big]
// --rate paces the load at N requests/s across all connections (default: as fast as replies come). Each target
// runs in its own process; the load generator (autocannon) in another. Prints one line per target, then its
// threads that used CPU. growth-small and growth-big are B6's two configurations (10 tools / 10 rules, and 100
// upstreams × 50 tools / 1,000 rules, calling the last tool; `durability: os` in both), so that the per-call cost
// B6 compares is read directly. Needs `npm run build`.
import process from 'node:process';
import { parseArgs } from 'node:util';
import console from 'node:console';
import { runLoad } from './lib/cannon.mjs';
import { machineBusyMicros, threadCpuMicros } from './lib/cpu.mjs';
import { openSession, toolCallBody } from './lib/mcp-http.mjs';
import { SERVERS_DIR } from './lib/paths.mjs';
import { freePort, startChild } from './lib/proc.mjs';
import { manyRules, manyUpstreams, waitForTool } from './targets/warden.mjs';
import {
  BUILTIN_ECHO_ARG,
  assertWardenBuilt,
  createKey,
  startWarden,
  writeWardenConfig,
} from './lib/warden.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    connections: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '5' },
    rate: { type: 'string' },
  },
});
const CONNECTIONS = Number(values.connections);
const SECONDS = Number(values.seconds);
const RATE = values.rate === undefined ? undefined : Number(values.rate);
const TARGETS = positionals.length > 0 ? positionals : ['floor', 'warden-os', 'warden'];
/** B6's two configurations. */
const GROWTH = {
  'growth-small': { upstreamCount: 1, toolsEach: 10, ruleCount: 10 },
  'growth-big': { upstreamCount: 100, toolsEach: 50, ruleCount: 1000 },
};
async function startTarget(name) {
  if (name === 'floor') {
    const port = await freePort();
    const proc = startChild(process.execPath, [`${SERVERS_DIR}floor.mjs`, '--port', String(port)]);
    await proc.waitForStdout(/LISTENING/);
    return {
      proc,
      url: `http://127.0.0.1:${port}/mcp`,
      headers: { 'content-type': 'application/json' },
      argName: 'message',
      cleanup: () => undefined,
    };
  }
  const growth = GROWTH[name];
  if (growth) return startGrowth(growth);
  if (name !== 'warden' && name !== 'warden-os') throw new Error(`unknown target ${name}`);
  assertWardenBuilt();
  const setup = await writeWardenConfig({
    builtins: { echo: {} },
    audit: name === 'warden-os' ? { durability: 'os' } : undefined,
  });
  const key = await createKey(setup.file);
  const { proc } = await startWarden(setup);
  const { headers } = await openSession(setup.url, { authorization: `Bearer ${key}` });
  return { proc, url: setup.url, headers, argName: BUILTIN_ECHO_ARG, cleanup: setup.cleanup };
}

async function startGrowth({ upstreamCount, toolsEach, ruleCount }) {
  assertWardenBuilt();
  const setup = await writeWardenConfig({
    upstreams: manyUpstreams(upstreamCount, toolsEach),
    rules: manyRules(ruleCount, upstreamCount, toolsEach),
    audit: { durability: 'os' },
  });
  const key = await createKey(setup.file);
  const { proc } = await startWarden(setup);
  const auth = { authorization: `Bearer ${key}` };
  const tool = `u${upstreamCount - 1}__tool_${toolsEach - 1}`;
  await waitForTool(setup.url, auth, tool);
  const { headers } = await openSession(setup.url, auth);
  return { proc, url: setup.url, headers, argName: 'message', tool, cleanup: setup.cleanup };
}

for (const name of TARGETS) {
  const target = await startTarget(name);
  try {
    const before = threadCpuMicros(target.proc.pid);
    const machineBefore = machineBusyMicros();
    const [point] = await runLoad({
      url: target.url,
      headers: target.headers,
      body: toolCallBody(target.tool ?? 'echo', 1, target.argName),
      connectionsList: [CONNECTIONS],
      durationS: SECONDS,
      ...(RATE ? { overallRate: RATE } : {}),
    });
    const after = threadCpuMicros(target.proc.pid);
    const machine = machineBusyMicros() - machineBefore;
    const calls = point.ok2xx;
    let total = 0;
    const threads = [];
    for (const [thread, us] of after) {
      const used = us - (before.get(thread) ?? 0);
      total += used;
      if (used > 0) threads.push(`${thread} ${(used / calls).toFixed(1)}`);
    }
    console.log(
      `${name}: ${CONNECTIONS} conn${RATE ? ` at ${RATE}/s` : ''}, ${Math.round(point.rps)} calls/s, ` +
        `p50 ${point.p50Ms.toFixed(3)} ms, CPU ${(total / calls).toFixed(1)} µs per call ` +
        `(whole machine, load generator included: ${(machine / calls).toFixed(1)})`,
    );
    console.log(`  per thread (µs per call): ${threads.join('; ')}`);
  } finally {
    await target.proc.stop();
    target.cleanup();
  }
}
