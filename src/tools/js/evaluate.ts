import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';
import { installConsole } from './console-capture.js';
import { EvalFailure, classifyThrown } from './eval-failure.js';
import type { EvalOutcome, EvalRequest } from './eval-protocol.js';

/** Share of `maxOutputBytes` that console output may use; the rest is kept for the result. */
export const CONSOLE_SHARE_OF_OUTPUT = 0.25;
/** Most rounds of pending jobs run while awaiting a returned promise (each round drains the queue). */
export const MAX_SETTLE_ROUNDS = 10_000;
/**
 * Deepest nesting of arrays and objects in a result. The gateway's main thread walks results recursively
 * (JSON.stringify, redaction); a few thousand levels, built by a short loop, overflow its stack there.
 */
export const MAX_RESULT_DEPTH = 128;
/**
 * Largest stack QuickJS is allowed. The release build's C stack is a fixed 5 MiB just above the module's static
 * data, and QuickJS only compares against the limit it is given: a larger limit lets recursion write over that
 * data (corrupting the engine for later evaluations) or, past the stack's base, makes every evaluation fail.
 */
export const MAX_ENGINE_STACK_BYTES = 4 * 1024 * 1024;

interface RunState {
  ctx: QuickJSContext;
  runtime: QuickJSRuntime;
  request: Omit<EvalRequest, 'id'>;
  interrupted: () => boolean;
}

function failureOf(state: RunState, thrown: QuickJSHandle): EvalFailure {
  try {
    return classifyThrown(state.ctx, thrown, state.interrupted, state.request.limits.timeoutMs);
  } finally {
    thrown.dispose();
  }
}

function expectValue(state: RunState, result: ReturnType<QuickJSContext['evalCode']>): QuickJSHandle {
  if (result.error !== undefined) throw failureOf(state, result.error);
  return result.value;
}

function setInput(state: RunState): void {
  const { ctx, request } = state;
  if (request.inputJson === undefined) {
    ctx.setProp(ctx.global, 'input', ctx.undefined);
    return;
  }
  const parse = expectValue(state, ctx.evalCode('JSON.parse', 'warden-input.js', { type: 'global' }));
  const text = ctx.newString(request.inputJson);
  const parsed = ctx.callFunction(parse, ctx.undefined, text);
  parse.dispose();
  text.dispose();
  const value = expectValue(state, parsed);
  ctx.setProp(ctx.global, 'input', value);
  value.dispose();
}

function settle(state: RunState, handle: QuickJSHandle): QuickJSHandle {
  const { ctx, runtime } = state;
  for (let round = 0; round < MAX_SETTLE_ROUNDS; round++) {
    const promiseState = ctx.getPromiseState(handle);
    if (promiseState.type === 'fulfilled') {
      if (promiseState.notAPromise === true) return handle;
      handle.dispose();
      return promiseState.value;
    }
    if (promiseState.type === 'rejected') {
      handle.dispose();
      throw failureOf(state, promiseState.error);
    }
    if (!runtime.hasPendingJob()) {
      handle.dispose();
      throw new EvalFailure('JS_ERROR', 'the returned promise never settles');
    }
    const jobs = runtime.executePendingJobs();
    if (jobs.error !== undefined) {
      handle.dispose();
      throw failureOf(state, jobs.error);
    }
  }
  handle.dispose();
  throw new EvalFailure('JS_TIMEOUT', 'the returned promise did not settle in time');
}

/** True when JSON text nests arrays and objects deeper than `limit` (brackets inside strings do not count). */
function jsonNestsDeeperThan(json: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      // A backslash escapes the next character, so an escaped quote does not end the string.
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

function serialise(
  state: RunState,
  stringify: QuickJSHandle,
  value: QuickJSHandle,
  budget: () => number,
): string {
  const { ctx } = state;
  const result = ctx.callFunction(stringify, ctx.undefined, value);
  if (result.error !== undefined) {
    const failure = failureOf(state, result.error);
    if (failure.code !== 'JS_ERROR') throw failure;
    throw new EvalFailure('JS_BAD_RESULT', `result is not JSON-serialisable (${failure.message})`);
  }
  const json = result.value;
  try {
    // Read after stringifying: a toJSON or getter may have logged to the console meanwhile, and that output counts.
    const budgetBytes = budget();
    if (ctx.typeof(json) !== 'string') return 'null';
    const lengthHandle = ctx.getProp(json, 'length');
    const length = ctx.getNumber(lengthHandle);
    lengthHandle.dispose();
    const tooLarge = new EvalFailure('JS_BAD_RESULT', `result exceeds ${budgetBytes} bytes`);
    if (length > budgetBytes) throw tooLarge;
    const text = ctx.getString(json);
    if (Buffer.byteLength(text, 'utf8') > budgetBytes) throw tooLarge;
    if (jsonNestsDeeperThan(text, MAX_RESULT_DEPTH))
      throw new EvalFailure('JS_BAD_RESULT', `result is nested deeper than ${MAX_RESULT_DEPTH} levels`);
    return text;
  } finally {
    json.dispose();
  }
}

function runInContext(state: RunState): EvalOutcome {
  const { ctx, request } = state;
  const consoleBudget = Math.floor(request.limits.maxOutputBytes * CONSOLE_SHARE_OF_OUTPUT);
  const capture = installConsole(ctx, consoleBudget, (result) => expectValue(state, result));
  setInput(state);
  // Taken before user code runs, so a replaced JSON.stringify cannot shape what the host receives.
  const stringify = expectValue(
    state,
    ctx.evalCode('JSON.stringify', 'warden-result.js', { type: 'global' }),
  );
  try {
    const completion = expectValue(state, ctx.evalCode(request.code, 'eval.js', { type: 'global' }));
    const value = settle(state, completion);
    try {
      const resultJson = serialise(
        state,
        stringify,
        value,
        () => request.limits.maxOutputBytes - capture.bytes,
      );
      return { ok: true, resultJson, logs: capture.lines, logsTruncated: capture.truncated };
    } finally {
      value.dispose();
    }
  } finally {
    stringify.dispose();
  }
}

function outcomeOfHostError(error: unknown, interrupted: boolean, timeoutMs: number): EvalOutcome {
  if (error instanceof EvalFailure) return { ok: false, code: error.code, message: error.message };
  if (interrupted) return { ok: false, code: 'JS_TIMEOUT', message: `evaluation exceeded ${timeoutMs} ms` };
  // The engine's recursion also uses the host stack; its overflow surfaces here if QuickJS did not stop first.
  if (error instanceof RangeError && /call stack size/i.test(error.message)) {
    return { ok: false, code: 'JS_STACK', message: 'evaluation exceeded its stack limit' };
  }
  if (error instanceof Error && /out of memory/.test(error.message)) {
    return { ok: false, code: 'JS_MEMORY', message: 'evaluation exceeded its memory limit' };
  }
  return { ok: false, code: 'JS_ERROR', message: 'evaluation failed inside the sandbox' };
}

/** The outcome of one evaluation, and whether the WebAssembly module is still fit for another one. */
export interface EvaluationReport {
  outcome: EvalOutcome;
  healthy: boolean;
}

/**
 * Runs one evaluation in a fresh QuickJS runtime and context with memory, stack and time limits; the deadline
 * covers user code, pending jobs of a returned promise and serialisation of the result.
 */
export function evaluate(module: QuickJSWASMModule, request: Omit<EvalRequest, 'id'>): EvaluationReport {
  const runtime = module.newRuntime();
  const deadlineMs = Date.now() + request.limits.timeoutMs;
  let interrupted = false;
  runtime.setMemoryLimit(request.limits.memoryBytes);
  runtime.setMaxStackSize(Math.min(request.limits.stackBytes, MAX_ENGINE_STACK_BYTES));
  runtime.setInterruptHandler(() => {
    if (Date.now() > deadlineMs) interrupted = true;
    return interrupted;
  });
  let outcome: EvalOutcome;
  let healthy = true;
  try {
    const ctx = runtime.newContext();
    try {
      outcome = runInContext({ ctx, runtime, request, interrupted: () => interrupted });
    } finally {
      ctx.dispose();
    }
  } catch (error) {
    outcome = outcomeOfHostError(error, interrupted, request.limits.timeoutMs);
    // Anything but an orderly failure may have left the WebAssembly heap inconsistent: retire the worker.
    healthy = error instanceof EvalFailure;
  }
  try {
    runtime.dispose();
  } catch {
    healthy = false;
  }
  return { outcome, healthy };
}
