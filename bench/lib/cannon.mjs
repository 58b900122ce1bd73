// Drives autocannon in a separate process (see cannon-worker.mjs) and returns its parsed result.
import { URL, fileURLToPath } from 'node:url';
import { lastJsonLine, runNode } from './proc.mjs';

const WORKER = fileURLToPath(new URL('./cannon-worker.mjs', import.meta.url));
const SLACK_MS = 30_000;

/**
 * Runs one load point per entry of `connectionsList` (keep-alive connections) in one load process: each for
 * `durationS` seconds after `warmupS` of warm-up, or `amount` requests after `warmupAmount` (then pass `timeoutMs`).
 */
export async function runLoad(job) {
  const { durationS = 0, warmupS = 0, connectionsList } = job;
  const { timeoutMs = (durationS + warmupS) * 1000 * connectionsList.length + SLACK_MS } = job;
  const out = await runNode([WORKER, JSON.stringify({ rpcIds: true, ...job })], { timeoutMs });
  const { points } = lastJsonLine(out);
  for (const p of points) {
    if (p.ok2xx === 0)
      throw new Error(`no 2xx responses at ${p.connections} conn (non2xx ${p.non2xx}, errors ${p.errors})`);
  }
  return points;
}
