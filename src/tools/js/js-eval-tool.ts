import * as z from 'zod';
import { WardenError } from '../../errors/index.js';
import type { ToolDefinition, ToolResult } from '../../mcp/wire.js';
import type { BuiltinTool, ToolCallContext } from '../types.js';
import type { EvalRunOptions } from './eval-pool.js';
import type { EvalOutcome } from './eval-protocol.js';

/** Longest `code` accepted, in UTF-16 units. */
export const MAX_CODE_CHARS = 1024 * 1024;

/** Evaluates code with an optional input serialised as JSON text; see `EvalPool.run`. */
export type RunEvaluation = (
  code: string,
  inputJson: string | undefined,
  options: EvalRunOptions,
) => Promise<EvalOutcome>;

const argsSchema = z.strictObject({
  code: z.string().max(MAX_CODE_CHARS),
  input: z.unknown().optional(),
});

/** The MCP definition of `js_eval`. */
export const JS_EVAL_DEFINITION: ToolDefinition = {
  name: 'js_eval',
  title: 'Evaluate JavaScript',
  description:
    'Evaluates JavaScript in an isolated QuickJS sandbox with no file, network or process access. ' +
    'The value of the last expression is returned as JSON (a returned promise is awaited); ' +
    'the optional `input` is available as the global `input`; console output is captured.',
  inputSchema: {
    type: 'object',
    properties: {
      code: { type: 'string', description: 'JavaScript source, evaluated as a script.' },
      input: { description: 'Any JSON value, available to the code as the global `input`.' },
    },
    required: ['code'],
    additionalProperties: false,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
};

function inputJsonOf(input: unknown): string | undefined {
  if (input === undefined) return undefined;
  try {
    return JSON.stringify(input);
  } catch (error) {
    throw new WardenError('ARGS_INVALID', 'input must be a JSON value', { cause: error });
  }
}

function toResult(outcome: EvalOutcome): ToolResult {
  if (!outcome.ok) throw new WardenError(outcome.code, outcome.message);
  // JSON.parse creates a "__proto__" key as an own property, so a hostile result cannot reach host prototypes.
  const result: unknown = JSON.parse(outcome.resultJson);
  const structuredContent = { result, logs: outcome.logs, logsTruncated: outcome.logsTruncated };
  return { content: [{ type: 'text', text: JSON.stringify(structuredContent) }], structuredContent };
}

/** Builds the `js_eval` tool over an evaluation function (normally a worker pool). */
export function createJsEvalTool(run: RunEvaluation): BuiltinTool {
  return {
    definition: JS_EVAL_DEFINITION,
    async call(args: Record<string, unknown>, ctx: ToolCallContext): Promise<ToolResult> {
      const parsed = argsSchema.safeParse(args);
      if (!parsed.success)
        throw new WardenError('ARGS_INVALID', 'js_eval takes {code: string, input?: JSON}');
      const options = { signal: ctx.signal, principal: ctx.principalId };
      const outcome = await run(parsed.data.code, inputJsonOf(parsed.data.input), options);
      return toResult(outcome);
    },
  };
}
