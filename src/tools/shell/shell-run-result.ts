import type { ToolResult } from '../../mcp/wire.js';
import type { ProcessOutcome } from './run-process.js';

/** The MCP result of a finished command: readable text plus the same facts as structured content. */
export function shellRunResult(outcome: ProcessOutcome): ToolResult {
  const status =
    outcome.signal !== null ? `signal ${outcome.signal}` : `exit code ${String(outcome.exitCode)}`;
  const parts = [outcome.stdout];
  if (outcome.stdoutTruncated) parts.push('[stdout truncated]');
  if (outcome.stderr !== '') parts.push(`[stderr]\n${outcome.stderr}`);
  if (outcome.stderrTruncated) parts.push('[stderr truncated]');
  parts.push(`[${status}, ${outcome.durationMs} ms]`);
  return {
    content: [{ type: 'text', text: parts.filter((part) => part !== '').join('\n') }],
    structuredContent: { ...outcome },
    isError: outcome.exitCode !== 0,
  };
}

/** The output schema of shell_run. */
export const SHELL_RUN_OUTPUT_SCHEMA: Record<string, unknown> = {
  type: 'object',
  properties: {
    exitCode: { type: ['integer', 'null'] },
    signal: { type: ['string', 'null'] },
    stdout: { type: 'string' },
    stderr: { type: 'string' },
    stdoutTruncated: { type: 'boolean' },
    stderrTruncated: { type: 'boolean' },
    durationMs: { type: 'integer' },
  },
  required: ['exitCode', 'signal', 'stdout', 'stderr', 'stdoutTruncated', 'stderrTruncated', 'durationMs'],
};
