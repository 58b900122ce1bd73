// B4: the audit benchmark lives in bench/audit.mjs (written separately); run it when present and keep its JSON.
import { existsSync } from 'node:fs';
import { BENCH_DIR } from '../lib/paths.mjs';
import { lastJsonLine, runNode } from '../lib/proc.mjs';

const AUDIT_SCRIPT = `${BENCH_DIR}audit.mjs`;

/** Runs bench/audit.mjs (with --quick in quick mode) and returns the last JSON object it prints. */
export async function auditBench(ctx) {
  if (!existsSync(AUDIT_SCRIPT)) throw new Error('bench/audit.mjs not present');
  const args = [AUDIT_SCRIPT, ...(ctx.quick ? ['--quick'] : [])];
  return lastJsonLine(await runNode(args, { timeoutMs: ctx.quick ? 60_000 : 600_000 }));
}
