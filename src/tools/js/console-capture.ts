import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten';
import type { ConsoleLine } from './eval-protocol.js';

/** Most console lines kept per evaluation, whatever their size. */
export const MAX_CONSOLE_LINES = 1000;

// Formatting runs inside the sandbox, under its time and memory limits; the host only receives one string.
const CONSOLE_SETUP_SOURCE = `(function (emit) {
  const fmt = (v) => {
    if (typeof v === 'string') return v;
    try { const s = JSON.stringify(v); return s === undefined ? String(v) : s; }
    catch (e) { try { return String(v); } catch (e2) { return '[unprintable]'; } }
  };
  const make = (level) => function (...args) { emit(level, args.map(fmt).join(' ')); };
  globalThis.console = { log: make('log'), info: make('log'), debug: make('log'), warn: make('warn'), error: make('error') };
})`;

/** Returns the value of a sandbox call or throws (disposing the thrown value); supplied by the evaluator. */
export type Unwrap = (result: ReturnType<QuickJSContext['evalCode']>) => QuickJSHandle;

/** Console lines captured from one evaluation. */
export interface ConsoleCapture {
  lines: ConsoleLine[];
  bytes: number;
  truncated: boolean;
}

function levelOf(text: string): ConsoleLine['level'] {
  return text === 'warn' || text === 'error' ? text : 'log';
}

function stringLength(ctx: QuickJSContext, handle: QuickJSHandle): number {
  const lengthHandle = ctx.getProp(handle, 'length');
  const length = ctx.getNumber(lengthHandle);
  lengthHandle.dispose();
  return length;
}

/**
 * Installs `console.log/info/debug/warn/error` in the context; lines are kept until `maxBytes` (of their UTF-8
 * JSON text) or {@link MAX_CONSOLE_LINES} is reached, after which output is dropped and `truncated` is set.
 */
export function installConsole(ctx: QuickJSContext, maxBytes: number, unwrap: Unwrap): ConsoleCapture {
  const capture: ConsoleCapture = { lines: [], bytes: 0, truncated: false };
  const emit = ctx.newFunction('emit', (levelHandle, textHandle) => {
    if (capture.truncated || ctx.typeof(textHandle) !== 'string' || ctx.typeof(levelHandle) !== 'string') {
      capture.truncated = true;
      return;
    }
    // Check the length inside the VM first so a huge string is never copied to the host.
    const remaining = maxBytes - capture.bytes;
    if (capture.lines.length >= MAX_CONSOLE_LINES || stringLength(ctx, textHandle) > remaining) {
      capture.truncated = true;
      return;
    }
    const text = ctx.getString(textHandle);
    // Counted as the JSON the client receives: control characters escape to six bytes each, so raw UTF-8 bytes
    // would let a flood of them exceed the output cap several times over.
    const bytes = Buffer.byteLength(JSON.stringify(text), 'utf8');
    if (bytes > remaining) {
      capture.truncated = true;
      return;
    }
    capture.bytes += bytes;
    capture.lines.push({ level: levelOf(ctx.getString(levelHandle)), text });
  });
  try {
    const install = unwrap(ctx.evalCode(CONSOLE_SETUP_SOURCE, 'warden-console.js', { type: 'global' }));
    try {
      unwrap(ctx.callFunction(install, ctx.undefined, emit)).dispose();
    } finally {
      install.dispose();
    }
  } finally {
    emit.dispose();
  }
  return capture;
}
