import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten';
import type { EvalFailureCode } from './eval-protocol.js';

/** Longest error text taken from inside the sandbox, in UTF-16 units. */
export const MAX_ERROR_TEXT_CHARS = 500;

/** An evaluation that ended with one of the JS_* codes; thrown inside the worker, never across it. */
export class EvalFailure extends Error {
  readonly code: EvalFailureCode;

  constructor(code: EvalFailureCode, message: string) {
    super(message);
    this.name = 'EvalFailure';
    this.code = code;
  }
}

function readString(ctx: QuickJSContext, handle: QuickJSHandle): string | undefined {
  if (ctx.typeof(handle) !== 'string') return undefined;
  const lengthHandle = ctx.getProp(handle, 'length');
  const length = ctx.getNumber(lengthHandle);
  lengthHandle.dispose();
  if (length > MAX_ERROR_TEXT_CHARS * 4) return `(a text of ${length} characters)`;
  return ctx.getString(handle).slice(0, MAX_ERROR_TEXT_CHARS);
}

function readProp(ctx: QuickJSContext, handle: QuickJSHandle, key: string): string | undefined {
  const prop = ctx.getProp(handle, key);
  try {
    return readString(ctx, prop);
  } finally {
    prop.dispose();
  }
}

/** The `name` and `message` of a value thrown inside the sandbox; getters run under the sandbox's limits. */
export function describeThrown(
  ctx: QuickJSContext,
  handle: QuickJSHandle,
): { name: string; message: string } {
  try {
    const type = ctx.typeof(handle);
    if (type === 'object' || type === 'function') {
      return {
        name: readProp(ctx, handle, 'name') ?? 'Error',
        message: readProp(ctx, handle, 'message') ?? '',
      };
    }
    if (type === 'string') return { name: 'Error', message: readString(ctx, handle) ?? '' };
    if (type === 'number') return { name: 'Error', message: String(ctx.getNumber(handle)) };
    return { name: 'Error', message: `a ${type} was thrown` };
  } catch (error) {
    // Reading the error can itself fail (interrupted, out of memory); the classification below still holds.
    return {
      name: 'Error',
      message: error instanceof Error ? 'the error could not be read' : 'unreadable error',
    };
  }
}

/** Maps a value thrown inside the sandbox to a failure with a short, client-safe message. */
export function classifyThrown(
  ctx: QuickJSContext,
  handle: QuickJSHandle,
  interrupted: () => boolean,
  timeoutMs: number,
): EvalFailure {
  const { name, message } = describeThrown(ctx, handle);
  // Checked after reading: a getter on the thrown value may itself run into the deadline.
  if (interrupted()) return new EvalFailure('JS_TIMEOUT', `evaluation exceeded ${timeoutMs} ms`);
  if (name === 'InternalError' && message === 'out of memory') {
    return new EvalFailure('JS_MEMORY', 'evaluation exceeded its memory limit');
  }
  if (message === 'stack overflow' || (name === 'RangeError' && /call stack size/i.test(message))) {
    return new EvalFailure('JS_STACK', 'evaluation exceeded its stack limit');
  }
  return new EvalFailure('JS_ERROR', message === '' ? name : `${name}: ${message}`);
}
