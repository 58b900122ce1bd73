import { DEBUG_SYNC, newQuickJSWASMModule, type QuickJSWASMModule } from 'quickjs-emscripten';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.js';

// The debug build of QuickJS aborts in JS_FreeRuntime when any value is still referenced, so `healthy: true`
// after each case proves that evaluate() released every handle on that path.
let debugModule: QuickJSWASMModule;

beforeAll(async () => {
  debugModule = await newQuickJSWASMModule(DEBUG_SYNC);
});

// The debug build is slow: generous time, except where the case is about the deadline.
const limits = {
  memoryBytes: 8 * 1024 * 1024,
  stackBytes: 256 * 1024,
  timeoutMs: 10_000,
  maxOutputBytes: 4096,
};
const shortLimits = { ...limits, timeoutMs: 100 };

const cases: Array<[string, string, string | undefined, string, typeof limits?]> = [
  ['a plain value', '({ a: [1, 2, 3] })', undefined, '{"a":[1,2,3]}'],
  ['input and console', 'console.log("x", input); input', '{"k":1}', '{"k":1}'],
  ['a resolved promise', 'Promise.resolve(5)', undefined, '5'],
  ['a rejected promise', 'Promise.reject(new Error("no"))', undefined, 'JS_ERROR'],
  ['a pending promise', 'new Promise(() => {})', undefined, 'JS_ERROR'],
  ['a thrown error', 'throw new TypeError("t")', undefined, 'JS_ERROR'],
  ['a thrown primitive', 'throw "s"', undefined, 'JS_ERROR'],
  ['a syntax error', 'let let', undefined, 'JS_ERROR'],
  ['a cyclic result', 'const o = {}; o.o = o; o', undefined, 'JS_BAD_RESULT'],
  ['a too large result', '"x".repeat(10000)', undefined, 'JS_BAD_RESULT'],
  [
    'a too deeply nested result',
    'let a = []; for (let i = 0; i < 200; i++) a = [a]; a',
    undefined,
    'JS_BAD_RESULT',
  ],
  ['a timeout', 'for (;;) {}', undefined, 'JS_TIMEOUT', shortLimits],
  [
    'a timeout in a job',
    'Promise.resolve().then(() => { for (;;) {} })',
    undefined,
    'JS_TIMEOUT',
    shortLimits,
  ],
  ['a timeout during setup', '1', undefined, 'JS_TIMEOUT', { ...limits, timeoutMs: 1 }],
  // A small QuickJS stack, so that it trips long before the test process's own native stack. The debug build's
  // WebAssembly frames are large and their size depends on V8's compiler tier: with 64 KiB, about one run in ten
  // overflowed the native stack first (a host RangeError, reported unhealthy); with 16 KiB, 0 of 200 did.
  [
    'a stack overflow',
    'function f() { return f(); } f()',
    undefined,
    'JS_STACK',
    { ...limits, stackBytes: 16 * 1024 },
  ],
  ['a console flood', 'for (let i = 0; i < 1100; i++) console.log(i); 1', undefined, '1'],
];

describe('evaluate', () => {
  for (const [name, code, inputJson, expected, caseLimits = limits] of cases) {
    it(`releases every QuickJS value after ${name}`, () => {
      const { outcome, healthy } = evaluate(debugModule, { code, inputJson, limits: caseLimits });
      expect(healthy).toBe(true);
      expect(outcome.ok ? outcome.resultJson : outcome.code).toBe(expected);
    });
  }
});
