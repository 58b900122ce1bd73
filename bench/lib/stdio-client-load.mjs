// Load process for the no-HTTP baseline: the SDK client calls a stdio server's `echo` tool with N calls in flight.
// Input: a JSON job in argv[2]: { command, args, tool, concurrencyList, durationS, warmupS }; prints one JSON line
// { points } with one point per concurrency, all against the same server process.
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { createLatencyRecorder } from './histogram.mjs';

const job = JSON.parse(process.argv[2] ?? '{}');
const MESSAGE = 'hello bench';

async function drive(client, concurrency, durationS, recorder) {
  const deadline = performance.now() + durationS * 1000;
  let calls = 0;
  let errors = 0;
  const lane = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      try {
        const result = await client.callTool({ name: job.tool, arguments: { message: MESSAGE } });
        if (result.isError) errors += 1;
        else {
          calls += 1;
          recorder?.record(performance.now() - started);
        }
      } catch (error) {
        errors += 1;
        if (errors === 1) process.stderr.write(`stdio-client-load: ${String(error)}\n`);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { calls, errors, elapsedS: (performance.now() - started) / 1000 };
}

async function main() {
  const transport = new StdioClientTransport({ command: job.command, args: job.args, stderr: 'ignore' });
  const client = new Client({ name: 'warden-bench', version: '1.0.0' });
  await client.connect(transport);
  try {
    const points = [];
    for (const concurrency of job.concurrencyList) points.push(await measure(client, concurrency));
    process.stdout.write(`${JSON.stringify({ points })}\n`);
  } finally {
    await client.close();
  }
}

async function measure(client, concurrency) {
  if (job.warmupS > 0) await drive(client, concurrency, job.warmupS, null);
  const recorder = createLatencyRecorder();
  const { calls, errors, elapsedS } = await drive(client, concurrency, job.durationS, recorder);
  const latency = recorder.summary();
  return {
    connections: concurrency,
    durationS: elapsedS,
    requests: calls,
    rps: calls / elapsedS,
    errors,
    non2xx: 0,
    p50Ms: latency.p50Ms,
    p90Ms: latency.p90Ms,
    p99Ms: latency.p99Ms,
    meanMs: latency.meanMs,
    maxMs: latency.maxMs,
  };
}

main().catch((error) => {
  process.stderr.write(`stdio-client-load: ${String(error?.stack ?? error)}\n`);
  process.exitCode = 1;
});
