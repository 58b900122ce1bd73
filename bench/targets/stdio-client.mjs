// The no-HTTP baseline: the SDK client calling server-everything's echo over stdio, in its own process.
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { EVERYTHING_SCRIPT } from '../lib/paths.mjs';
import { lastJsonLine, runNode } from '../lib/proc.mjs';
import { URL } from 'node:url';

const LOAD_SCRIPT = fileURLToPath(new URL('../lib/stdio-client-load.mjs', import.meta.url));
const SLACK_MS = 30_000;

/** Runs the stdio client load at each concurrency against one server-everything process. */
export async function sdkStdioClient(ctx) {
  const job = {
    command: process.execPath,
    args: [EVERYTHING_SCRIPT, 'stdio'],
    tool: 'echo',
    concurrencyList: ctx.connections,
    durationS: ctx.durationS,
    warmupS: ctx.warmupS,
  };
  const timeoutMs = (ctx.durationS + ctx.warmupS) * 1000 * ctx.connections.length + SLACK_MS;
  const { points } = lastJsonLine(await runNode([LOAD_SCRIPT, JSON.stringify(job)], { timeoutMs }));
  const failed = points.reduce((sum, p) => sum + p.errors, 0);
  if (failed > 0) throw new Error(`${failed} failed calls`);
  return points;
}
