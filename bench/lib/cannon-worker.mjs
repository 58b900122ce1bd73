// Load generator process: runs autocannon against one URL and prints one JSON line with the result.
// It runs as its own process so the target never shares an event loop with the load (or with the harness).
// Input: a JSON job in argv[2]: { url, method, headers, body, connectionsList, durationS, warmupS, rpcIds }, or
// { amount, warmupAmount } instead of the durations to send a fixed number of requests; `overallRate` (requests/s
// across all connections) paces the load instead of sending as fast as replies come.
import process from 'node:process';
import autocannon from 'autocannon';
import { createLatencyRecorder } from './histogram.mjs';

const job = JSON.parse(process.argv[2] ?? '{}');
if (typeof job.url !== 'string') throw new Error('job.url is required');
if (!Array.isArray(job.connectionsList)) throw new Error('job.connectionsList is required');

function requestsWithFreshIds() {
  if (!job.rpcIds) return undefined;
  // Each JSON-RPC request gets its own id: the SDK transports map responses by id, so repeated ids would collide.
  const template = JSON.parse(job.body);
  let next = 1;
  return [
    {
      setupRequest(req) {
        template.id = next;
        next += 1;
        return { ...req, body: JSON.stringify(template) };
      },
    },
  ];
}

function options(connections, durationS, amount) {
  const requests = requestsWithFreshIds();
  return {
    url: job.url,
    method: job.method ?? 'POST',
    headers: job.headers ?? {},
    body: job.body,
    connections,
    ...(amount > 0 ? { amount } : { duration: durationS }),
    pipelining: 1,
    ...(job.overallRate ? { overallRate: job.overallRate } : {}),
    timeout: 10,
    ...(requests ? { requests } : {}),
  };
}

async function measure(connections) {
  if (job.warmupS > 0 || job.warmupAmount > 0) {
    await autocannon(options(connections, job.warmupS, job.warmupAmount));
  }
  const recorder = createLatencyRecorder();
  const instance = autocannon(options(connections, job.durationS, job.amount));
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    if (statusCode >= 200 && statusCode < 300) recorder.record(responseTimeMs);
  });
  const result = await instance;
  const latency = recorder.summary();
  return {
    connections,
    durationS: result.duration,
    requests: result.requests.total,
    rps: result['2xx'] / result.duration,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    p50Ms: latency.p50Ms,
    p90Ms: latency.p90Ms,
    p99Ms: latency.p99Ms,
    meanMs: latency.meanMs,
    maxMs: latency.maxMs,
  };
}

async function main() {
  const points = [];
  for (const connections of job.connectionsList) points.push(await measure(connections));
  process.stdout.write(`${JSON.stringify({ points })}\n`);
}

main().catch((error) => {
  process.stderr.write(`cannon-worker: ${String(error?.stack ?? error)}\n`);
  process.exitCode = 1;
});
