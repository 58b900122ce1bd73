import type { JsConfig } from '../../config/builtins.js';
import type { ToolFamily } from '../types.js';
import { EvalPool } from './eval-pool.js';
import { createJsEvalTool } from './js-eval-tool.js';
import { evalWorkerEntry } from './worker-entry.js';

/** Worker threads evaluating in parallel when the configuration does not say. */
export const DEFAULT_JS_WORKERS = 2;

/** Starts the evaluation worker pool (loading QuickJS once per worker) and returns the `js_eval` tool. */
export async function createJsTools(config: JsConfig): Promise<ToolFamily> {
  const pool = await EvalPool.start({
    size: config.workers ?? DEFAULT_JS_WORKERS,
    entry: evalWorkerEntry(),
    limits: {
      memoryBytes: config.memoryMb * 1024 * 1024,
      stackBytes: config.stackKb * 1024,
      timeoutMs: config.timeoutMs,
      maxOutputBytes: config.maxOutputBytes,
    },
  });
  return {
    tools: [createJsEvalTool((code, inputJson, options) => pool.run(code, inputJson, options))],
    close: () => pool.close(),
  };
}

export { createJsEvalTool, JS_EVAL_DEFINITION, MAX_CODE_CHARS, type RunEvaluation } from './js-eval-tool.js';
export {
  EvalPool,
  BACKSTOP_GRACE_MS,
  MAX_QUEUED_EVALS,
  MAX_QUEUED_EVALS_PER_PRINCIPAL,
  type EvalPoolOptions,
  type EvalRunOptions,
} from './eval-pool.js';
export type { EvalLimits, EvalOutcome, ConsoleLine } from './eval-protocol.js';
