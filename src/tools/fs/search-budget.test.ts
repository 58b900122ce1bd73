import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isWardenError } from '../../errors/index.js';
import { createFixture, type Fixture } from './test-fixture.js';

// Lines of 4,000 characters without an "x": `.*x` (allowed: quadratic, not worse) tries every start and end on
// each, several milliseconds per line. Hundreds of them once blocked the event loop for the whole search.
const SLOW_LINE = 'a'.repeat(4000);
const SLOW_PATTERN = '.*x';

let f: Fixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

async function plantSlowFile(lines: number, overrides = {}): Promise<Fixture> {
  f = await createFixture({ maxReadBytes: 4 * 1024 * 1024, ...overrides });
  writeFileSync(path.join(f.root, 'slow.txt'), `${SLOW_LINE}\n`.repeat(lines));
  return f;
}

/** The longest gap between ticks of a 2 ms timer while `work` runs. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 2);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return longest;
}

describe('fs_search content matching', () => {
  it('keeps the event loop turning while a costly pattern runs over a large file', async () => {
    const fixture = await plantSlowFile(150);
    let outcome: unknown;
    const stall = await longestStall(async () => {
      outcome = await fixture.call('fs_search', {
        path: '.',
        pattern: 'slow.txt',
        contentRegex: SLOW_PATTERN,
      });
    });
    expect(outcome).toMatchObject({ ok: true, result: { structuredContent: { results: [] } } });
    expect(stall).toBeLessThan(150);
  });

  it('ends a search that spends more than searchTimeoutMs matching with TIMEOUT', async () => {
    const fixture = await plantSlowFile(400, { searchTimeoutMs: 50 });
    const started = performance.now();
    const outcome = await fixture.call('fs_search', {
      path: '.',
      pattern: 'slow.txt',
      contentRegex: SLOW_PATTERN,
    });
    expect(outcome).toEqual({
      ok: false,
      code: 'TIMEOUT',
      message: 'content search took longer than 50 ms',
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stops matching when the caller cancels', async () => {
    const fixture = await plantSlowFile(400);
    const search = fixture.family.tools.find((t) => t.definition.name === 'fs_search')!;
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 30);
    const started = performance.now();
    const code = await search
      .call(
        { path: '.', pattern: 'slow.txt', contentRegex: SLOW_PATTERN },
        { signal: caller.signal, requestId: 't' },
      )
      .then(
        () => 'NO_ERROR',
        (error: unknown) => (isWardenError(error) ? error.code : String(error)),
      );
    expect(code).toBe('CANCELLED');
    expect(performance.now() - started).toBeLessThan(500);
  });
});
