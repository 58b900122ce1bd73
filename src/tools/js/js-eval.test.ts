import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWardenError } from '../../errors/index.js';
import type { BuiltinTool, ToolFamily } from '../types.js';
import { createJsEvalTool, createJsTools, type EvalRunOptions } from './index.js';

let family: ToolFamily;
let tool: BuiltinTool;
// A separate family with a short deadline for the cases about the deadline; the main one has a generous deadline
// so that memory, stack and result cases end with their own code even on a loaded machine.
let quickFamily: ToolFamily;
let quickTool: BuiltinTool;
const ctx = { signal: new AbortController().signal, requestId: 'test-1' };

beforeAll(async () => {
  family = await createJsTools({
    memoryMb: 8,
    timeoutMs: 5000,
    stackKb: 256,
    maxOutputBytes: 64 * 1024,
    workers: 2,
  });
  tool = family.tools[0]!;
  quickFamily = await createJsTools({
    memoryMb: 8,
    timeoutMs: 300,
    stackKb: 256,
    maxOutputBytes: 64 * 1024,
    workers: 1,
  });
  quickTool = quickFamily.tools[0]!;
});

afterAll(async () => {
  await family.close?.();
  await quickFamily.close?.();
});

async function run(
  code: string,
  input?: unknown,
  using: BuiltinTool = tool,
): Promise<Record<string, unknown> | undefined> {
  const args: Record<string, unknown> = input === undefined ? { code } : { code, input };
  return (await using.call(args, ctx)).structuredContent;
}

async function failure(
  code: string,
  input?: unknown,
  using: BuiltinTool = tool,
): Promise<{ code: string; message: string }> {
  try {
    await run(code, input, using);
  } catch (error) {
    if (isWardenError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('evaluation unexpectedly succeeded');
}

function quickFailure(code: string): Promise<{ code: string; message: string }> {
  return failure(code, undefined, quickTool);
}

describe('js_eval callers', () => {
  it('passes the signal and principal of each call to the evaluation, none where the call names no one', async () => {
    const seen: EvalRunOptions[] = [];
    const probe = createJsEvalTool((_code, _inputJson, options) => {
      seen.push(options);
      return Promise.resolve({ ok: true, resultJson: '1', logs: [], logsTruncated: false });
    });
    const aliceCtx = { ...ctx, principalId: 'alice' };
    await probe.call({ code: '1' }, aliceCtx);
    await probe.call({ code: '1' }, ctx);
    expect(seen).toStrictEqual([
      { signal: ctx.signal, principal: 'alice' },
      { signal: ctx.signal, principal: undefined },
    ]);
  });
});

describe('js_eval benign evaluations', () => {
  it('returns the value of the last expression with empty logs', async () => {
    expect(await run('1 + 2')).toEqual({ result: 3, logs: [], logsTruncated: false });
  });

  it('binds input as a global JSON value', async () => {
    expect(
      await run('({ sum: input.a + input.b, n: input.list.length })', { a: 2, b: 40, list: [1, 2] }),
    ).toEqual({
      result: { sum: 42, n: 2 },
      logs: [],
      logsTruncated: false,
    });
  });

  it('awaits a returned promise', async () => {
    expect(await run('(async () => { await null; return [input, "done"]; })()', 'x')).toEqual({
      result: ['x', 'done'],
      logs: [],
      logsTruncated: false,
    });
  });

  it('captures console output with levels', async () => {
    expect(
      await run(
        'console.log("a", 1, {b: 2}); console.warn("w"); console.error(10n); console.info("i"); null',
      ),
    ).toEqual({
      result: null,
      logs: [
        { level: 'log', text: 'a 1 {"b":2}' },
        { level: 'warn', text: 'w' },
        { level: 'error', text: '10' },
        { level: 'log', text: 'i' },
      ],
      logsTruncated: false,
    });
  });

  it('returns null for undefined and keeps unicode text', async () => {
    expect(await run('undefined')).toEqual({ result: null, logs: [], logsTruncated: false });
    expect(await run('"Grüße 🎛"')).toEqual({ result: 'Grüße 🎛', logs: [], logsTruncated: false });
  });

  it('returns the whole tool result with a JSON text block', async () => {
    expect(await tool.call({ code: '[1, "two"]' }, ctx)).toEqual({
      content: [{ type: 'text', text: '{"result":[1,"two"],"logs":[],"logsTruncated":false}' }],
      structuredContent: { result: [1, 'two'], logs: [], logsTruncated: false },
    });
  });

  it('reports a thrown error with its name and message', async () => {
    expect(await failure('throw new TypeError("bad thing")')).toEqual({
      code: 'JS_ERROR',
      message: 'TypeError: bad thing',
    });
    expect(await failure('Promise.reject(new RangeError("nope"))')).toEqual({
      code: 'JS_ERROR',
      message: 'RangeError: nope',
    });
    expect(await failure('throw 42')).toEqual({ code: 'JS_ERROR', message: 'Error: 42' });
    expect(await failure('syntax error here')).toEqual({
      code: 'JS_ERROR',
      message: "SyntaxError: expecting ';'",
    });
  });
});

describe('js_eval hostile evaluations', () => {
  it('stops an infinite loop with JS_TIMEOUT', async () => {
    expect(await quickFailure('while (true) {}')).toEqual({
      code: 'JS_TIMEOUT',
      message: 'evaluation exceeded 300 ms',
    });
  });

  it('stops a loop inside a promise callback with JS_TIMEOUT', async () => {
    expect(await quickFailure('Promise.resolve().then(() => { for (;;) {} })')).toEqual({
      code: 'JS_TIMEOUT',
      message: 'evaluation exceeded 300 ms',
    });
  });

  it('stops an endless chain of awaits with JS_TIMEOUT', async () => {
    expect(await quickFailure('(async () => { for (;;) await null; })()')).toEqual({
      code: 'JS_TIMEOUT',
      message: 'evaluation exceeded 300 ms',
    });
  });

  it('stops catastrophic regular-expression backtracking with JS_TIMEOUT', async () => {
    expect(await quickFailure('/(a+)+$/.test("a".repeat(40) + "b")')).toEqual({
      code: 'JS_TIMEOUT',
      message: 'evaluation exceeded 300 ms',
    });
  });

  it('stops a loop hidden in a toJSON called while serialising the result', async () => {
    expect(await quickFailure('({ toJSON() { for (;;) {} } })')).toEqual({
      code: 'JS_TIMEOUT',
      message: 'evaluation exceeded 300 ms',
    });
  });

  it('stops a loop hidden in the message getter of a thrown value', async () => {
    expect(await quickFailure('throw { name: "X", get message() { for (;;) {} } }')).toEqual({
      code: 'JS_TIMEOUT',
      message: 'evaluation exceeded 300 ms',
    });
  });

  it('cannot catch the timeout interrupt and keep running', async () => {
    expect(await quickFailure('for (;;) { try { for (;;) {} } catch (e) { /* swallow */ } }')).toEqual({
      code: 'JS_TIMEOUT',
      message: 'evaluation exceeded 300 ms',
    });
  });

  it('ends an input too large for the memory limit with JS_MEMORY', async () => {
    const input = 'x'.repeat(9 * 1024 * 1024);
    expect(await failure('input.length', input)).toEqual({
      code: 'JS_MEMORY',
      message: 'evaluation exceeded its memory limit',
    });
  });

  it('ends a memory bomb with JS_MEMORY', async () => {
    expect(await failure('const a = []; for (;;) a.push({ n: a.length })')).toEqual({
      code: 'JS_MEMORY',
      message: 'evaluation exceeded its memory limit',
    });
  });

  it('ends deep recursion with JS_STACK', async () => {
    expect(await failure('function f() { return f() + 1; } f()')).toEqual({
      code: 'JS_STACK',
      message: 'evaluation exceeded its stack limit',
    });
  });

  it('ends recursion through getters, proxy traps, callbacks and conversions with JS_STACK', async () => {
    // Each path adds native frames between QuickJS's own stack checks.
    for (const code of [
      'const o = { get x() { return this.x + 1; } }; o.x',
      'const p = new Proxy({}, { get(t, k) { return p[k]; } }); p.x',
      'function f() { return [1].map(f); } f()',
      'function f() { return [2, 1].sort(() => (f(), 0)); } f()',
      'const o = { toString() { return "" + o; } }; String(o)',
      'function f() { return JSON.parse("[1]", () => f()); } f()',
      'function f() { return "a".replace(/a/, f); } f()',
    ]) {
      expect(await failure(code)).toEqual({
        code: 'JS_STACK',
        message: 'evaluation exceeded its stack limit',
      });
    }
  });

  it('stops native work that never reaches an interrupt check with JS_TIMEOUT, then serves again', async () => {
    // Array.prototype.join over 2^32-1 holes runs in C without polling the deadline; the pool's backstop ends it.
    expect(await quickFailure('const a = []; a.length = 2 ** 32 - 1; a.join("").length')).toEqual({
      code: 'JS_TIMEOUT',
      message: 'evaluation exceeded 300 ms',
    });
    expect(await run('input + 1', 1, quickTool)).toEqual({ result: 2, logs: [], logsTruncated: false });
  });

  it('ends deeply nested JSON input parsing inside the sandbox with JS_STACK', async () => {
    expect(await failure('JSON.parse("[".repeat(200000))')).toEqual({
      code: 'JS_STACK',
      message: 'evaluation exceeded its stack limit',
    });
  });

  it('refuses a result larger than maxOutputBytes with JS_BAD_RESULT', async () => {
    expect(await failure('"x".repeat(1 << 20)')).toEqual({
      code: 'JS_BAD_RESULT',
      message: 'result exceeds 65536 bytes',
    });
  });

  it('counts console output written while the result is serialised against the output cap', async () => {
    // 15 002 bytes logged from toJSON leave 50 534 of 65 536 for the result; a 60 002-byte result must not pass.
    expect(
      await failure('({ toJSON() { console.log("x".repeat(15000)); return "y".repeat(60000); } })'),
    ).toEqual({ code: 'JS_BAD_RESULT', message: 'result exceeds 50534 bytes' });
  });

  it('refuses a result with a cycle with JS_BAD_RESULT', async () => {
    expect(await failure('const o = {}; o.self = o; o')).toEqual({
      code: 'JS_BAD_RESULT',
      message: 'result is not JSON-serialisable (TypeError: circular reference)',
    });
  });

  it('refuses a deeply nested result with JS_BAD_RESULT instead of overflowing the host stack', async () => {
    // A few kilobytes of JSON built by a short loop; the host's recursive JSON.stringify overflowed on it.
    expect(await failure('let a = []; for (let i = 0; i < 10000; i++) a = [a]; a')).toEqual({
      code: 'JS_BAD_RESULT',
      message: 'result is nested deeper than 128 levels',
    });
    expect(await failure('let o = {}; for (let i = 0; i < 200; i++) o = { o }; o')).toEqual({
      code: 'JS_BAD_RESULT',
      message: 'result is nested deeper than 128 levels',
    });
    // 128 levels pass, and brackets inside strings are text, not nesting.
    let expected: unknown = ['[[[{{{\\"'];
    for (let i = 1; i < 128; i++) expected = [expected];
    expect(await run('let a = ["[[[{{{\\\\\\""]; for (let i = 1; i < 128; i++) a = [a]; a')).toEqual({
      result: expected,
      logs: [],
      logsTruncated: false,
    });
    expect(await failure('let a = []; for (let i = 1; i < 129; i++) a = [a]; a')).toEqual({
      code: 'JS_BAD_RESULT',
      message: 'result is nested deeper than 128 levels',
    });
  });

  it('refuses a BigInt result with JS_BAD_RESULT', async () => {
    expect(await failure('({ n: 10n })')).toEqual({
      code: 'JS_BAD_RESULT',
      message: 'result is not JSON-serialisable (TypeError: Do not know how to serialize a BigInt)',
    });
  });

  it('gives no way to the host through the Function constructor', async () => {
    expect(await failure("this.constructor.constructor('return process')()")).toEqual({
      code: 'JS_ERROR',
      message: "ReferenceError: 'process' is not defined",
    });
    expect(await failure("console.log.constructor('return process')().mainModule")).toEqual({
      code: 'JS_ERROR',
      message: "ReferenceError: 'process' is not defined",
    });
  });

  it('cannot import modules', async () => {
    expect(await failure("import('fs')")).toEqual({
      code: 'JS_ERROR',
      message: "ReferenceError: could not load module 'fs'",
    });
    expect(await failure("import('node:child_process').then((m) => m.execSync('id'))")).toEqual({
      code: 'JS_ERROR',
      message: "ReferenceError: could not load module 'node:child_process'",
    });
  });

  it('has no require, process or other host globals', async () => {
    expect(await failure("require('fs')")).toEqual({
      code: 'JS_ERROR',
      message: "ReferenceError: 'require' is not defined",
    });
    const names = [
      'process',
      'require',
      'module',
      'setTimeout',
      'fetch',
      'WebAssembly',
      'Buffer',
      'std',
      'os',
      'Atomics',
    ];
    expect(await run(`${JSON.stringify(names)}.map((n) => typeof globalThis[n])`)).toEqual({
      result: names.map(() => 'undefined'),
      logs: [],
      logsTruncated: false,
    });
  });

  it('ignores Error.prepareStackTrace and leaks no host path in stacks', async () => {
    const out = await run(
      'Error.prepareStackTrace = (e, frames) => frames.map((f) => f.getThis()); const e = new Error("x"); String(e.stack)',
    );
    expect(out).toEqual({ result: '    at <eval> (eval.js:1:93)\n', logs: [], logsTruncated: false });
  });

  it('cannot pollute host prototypes through the result', async () => {
    const out = await run(
      'JSON.parse(\'{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}\')',
    );
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const result = out?.['result'];
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result as object)).toEqual(['__proto__', 'constructor']);
  });

  it('leaks no globals or prototype changes between evaluations', async () => {
    await run('globalThis.leak = 1; Object.prototype.tainted = 1; Array.prototype.push = null; 0');
    // Both workers must be clean: run several evaluations so each worker is exercised.
    const seen = await Promise.all(
      [1, 2, 3, 4].map(() => run('[typeof leak, ({}).tainted === undefined, typeof [].push]')),
    );
    for (const out of seen)
      expect(out).toEqual({ result: ['undefined', true, 'function'], logs: [], logsTruncated: false });
  });

  it('keeps the original JSON.stringify for the result even if user code replaces it', async () => {
    expect(await run('JSON.stringify = () => "\\"pwned\\""; ({ a: 1 })')).toEqual({
      result: { a: 1 },
      logs: [],
      logsTruncated: false,
    });
  });

  it('caps a console flood and marks it truncated', async () => {
    const out = await run('for (let i = 0; i < 1200; i++) console.log("spam " + i); "ok"');
    expect(out?.['result']).toBe('ok');
    expect(out?.['logsTruncated']).toBe(true);
    expect((out?.['logs'] as unknown[]).length).toBe(1000);
  });

  it('never copies a huge console line to the host', async () => {
    expect(await run('console.log("y".repeat(1 << 20)); 1')).toEqual({
      result: 1,
      logs: [],
      logsTruncated: true,
    });
  });

  it('counts console output as the escaped JSON the client receives', async () => {
    // 16 KiB of console budget (a quarter of 64 KiB): control characters escape to six bytes each in JSON, so
    // 1000 lines of 100 of them (100 KB raw) would be 600 KB on the wire if raw bytes were counted.
    const out = await run('for (let i = 0; i < 1000; i++) console.log("\\u0001".repeat(100)); 1');
    expect(out?.['logsTruncated']).toBe(true);
    const logs = out?.['logs'] as Array<{ text: string }>;
    expect(JSON.stringify(logs.map((line) => line.text)).length).toBeLessThanOrEqual(
      16 * 1024 + logs.length + 2,
    );
  });

  it('refuses a promise that can never settle', async () => {
    expect(await failure('new Promise(() => {})')).toEqual({
      code: 'JS_ERROR',
      message: 'the returned promise never settles',
    });
  });

  it('refuses malformed arguments with ARGS_INVALID', async () => {
    for (const args of [
      {},
      { code: 42 },
      { code: '1', extra: true },
      { code: 'x'.repeat(1024 * 1024 + 1) },
    ]) {
      await expect(tool.call(args, ctx)).rejects.toMatchObject({ code: 'ARGS_INVALID' });
    }
  });

  it('still serves benign evaluations after every hostile one', async () => {
    expect(await run('input * 2', 21)).toEqual({ result: 42, logs: [], logsTruncated: false });
  });
});
