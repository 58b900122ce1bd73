import { describe, expect, it } from 'vitest';
import { WardenError } from '../errors/index.js';
import { createLimiter } from './limiter.js';
import { createMemoryRateLimitStore, MAX_BUCKETS, PRUNE_EVERY_ACQUIRES } from './memory-rate-limit-store.js';
import { rateLimitHeaders } from './rate-limit-headers.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

function attempt(fn: () => unknown): WardenError | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (error instanceof WardenError) return error;
    throw error;
  }
}

describe('createLimiter', () => {
  it('admits everything when no limit is configured', () => {
    const limiter = createLimiter({ limits: {}, now: Date.now });
    for (let i = 0; i < 1000; i++) limiter.acquire('p', 't')();
  });

  it('admits exactly max of 100 simultaneous calls', async () => {
    const c = clock();
    const limiter = createLimiter({ limits: { principal: { max: 10, windowMs: 60_000 } }, now: c.now });
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        Promise.resolve().then(() => attempt(() => limiter.acquire('alice', 'fs_read'))),
      ),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(10);
    const refused = results.filter((r): r is WardenError => r !== 'ok');
    expect(refused).toHaveLength(90);
    expect(refused[0]?.code).toBe('RATE_LIMITED');
    expect(refused[0]?.details).toEqual({
      scope: 'principal',
      retryAfterMs: 60_000,
      limit: 10,
      remaining: 0,
      resetMs: 60_000,
      windowMs: 60_000,
    });
    expect(refused[0]?.message).toBe('rate limit exceeded; retry in 60 s');
  });

  it('never admits a burst of 2×max across a window boundary (sliding, not fixed)', () => {
    const c = clock(0);
    const limiter = createLimiter({ limits: { principal: { max: 10, windowMs: 1000 } }, now: c.now });
    c.advance(999);
    for (let i = 0; i < 10; i++) limiter.acquire('p', 't');
    c.advance(2); // t = 1001: a fixed window would have reset here
    expect(attempt(() => limiter.acquire('p', 't'))).toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterMs: 998 },
    });
    c.advance(997); // t = 1998: still inside the window of the burst
    expect(attempt(() => limiter.acquire('p', 't'))).toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterMs: 1 },
    });
    c.advance(1); // t = 1999: the burst at 999 is now a full window old
    for (let i = 0; i < 10; i++) expect(attempt(() => limiter.acquire('p', 't'))).toBe('ok');
    expect(attempt(() => limiter.acquire('p', 't'))).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('counts in any sliding window at most max admissions under steady traffic', () => {
    const c = clock(0);
    const limiter = createLimiter({ limits: { principal: { max: 5, windowMs: 100 } }, now: c.now });
    const admitted: number[] = [];
    for (let t = 0; t < 1000; t += 7) {
      c.advance(7);
      if (attempt(() => limiter.acquire('p', 't')) === 'ok') admitted.push(c.now());
    }
    for (let i = 0; i + 5 < admitted.length; i++)
      expect(admitted[i + 5]! - admitted[i]!).toBeGreaterThanOrEqual(100);
    expect(admitted.length).toBeGreaterThan(40);
  });

  it('keeps principals and principal×tool windows apart, and a refused call consumes nothing', () => {
    const c = clock();
    const limiter = createLimiter({
      limits: { principal: { max: 3, windowMs: 1000 }, tool: { max: 2, windowMs: 1000 } },
      now: c.now,
    });
    limiter.acquire('alice', 'a');
    limiter.acquire('alice', 'a');
    expect(attempt(() => limiter.acquire('alice', 'a'))).toMatchObject({
      code: 'RATE_LIMITED',
      details: { scope: 'tool', limit: 2 },
    });
    // The refused call above must not have used alice's principal budget.
    limiter.acquire('alice', 'b');
    expect(attempt(() => limiter.acquire('alice', 'b'))).toMatchObject({
      code: 'RATE_LIMITED',
      details: { scope: 'principal', limit: 3 },
    });
    limiter.acquire('bob', 'a');
  });

  it('does not let a crafted principal name share another principal’s tool window', () => {
    const limiter = createLimiter({ limits: { tool: { max: 1, windowMs: 1000 } }, now: clock().now });
    limiter.acquire('a', 'bc');
    expect(attempt(() => limiter.acquire('ab', 'c'))).toBe('ok');
    expect(attempt(() => limiter.acquire('a:b', 'c'))).toBe('ok');
  });

  it('applies the global window across everyone', () => {
    const limiter = createLimiter({ limits: { global: { max: 2, windowMs: 1000 } }, now: clock().now });
    limiter.acquire('a', 't');
    limiter.acquire('b', 't');
    expect(attempt(() => limiter.acquire('c', 't'))).toMatchObject({
      code: 'RATE_LIMITED',
      details: { scope: 'global' },
    });
  });

  it('limits calls in flight per principal, and release is idempotent', () => {
    const limiter = createLimiter({ limits: { concurrency: 2 }, now: clock().now });
    const r1 = limiter.acquire('p', 't');
    const r2 = limiter.acquire('p', 't');
    expect(attempt(() => limiter.acquire('p', 't'))).toMatchObject({
      code: 'CONCURRENCY_LIMITED',
      details: {
        scope: 'concurrency',
        limit: 2,
        remaining: 0,
        retryAfterMs: 1000,
        resetMs: 1000,
        windowMs: 0,
      },
    });
    limiter.acquire('q', 't');
    r1();
    r1();
    limiter.acquire('p', 't');
    expect(attempt(() => limiter.acquire('p', 't'))).toMatchObject({ code: 'CONCURRENCY_LIMITED' });
    r2();
    expect(attempt(() => limiter.acquire('p', 't'))).toBe('ok');
  });

  it('a call refused by a window does not take a concurrency slot', () => {
    const limiter = createLimiter({
      limits: { principal: { max: 1, windowMs: 1000 }, concurrency: 1 },
      now: clock().now,
    });
    const release = limiter.acquire('p', 't');
    release();
    expect(attempt(() => limiter.acquire('p', 't'))).toMatchObject({ code: 'RATE_LIMITED' });
    expect(attempt(() => limiter.acquire('p', 't'))).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('prunes idle keys so memory stays bounded', () => {
    const c = clock();
    const store = createMemoryRateLimitStore();
    const limiter = createLimiter({ limits: { principal: { max: 1, windowMs: 100 } }, now: c.now, store });
    for (let i = 0; i < PRUNE_EVERY_ACQUIRES - 1; i++) limiter.acquire(`p${i}`, 't');
    expect(store.size()).toBe(PRUNE_EVERY_ACQUIRES - 1);
    c.advance(101);
    limiter.acquire('late', 't');
    expect(store.size()).toBe(1);
  });
});

describe('rateLimitHeaders', () => {
  it('renders Retry-After in whole seconds and the IETF RateLimit fields', () => {
    expect(
      rateLimitHeaders({
        scope: 'principal',
        retryAfterMs: 1500,
        limit: 10,
        remaining: 0,
        resetMs: 59_001,
        windowMs: 60_000,
      }),
    ).toEqual({
      'Retry-After': '2',
      'RateLimit-Policy': '"principal";q=10;w=60',
      RateLimit: '"principal";r=0;t=60',
    });
    expect(
      rateLimitHeaders({
        scope: 'concurrency',
        retryAfterMs: 10,
        limit: 4,
        remaining: 0,
        resetMs: 10,
        windowMs: 0,
      }),
    ).toEqual({
      'Retry-After': '1',
      'RateLimit-Policy': '"concurrency";q=4',
      RateLimit: '"concurrency";r=0;t=1',
    });
  });

  it('never puts an unexpected scope name into a header', () => {
    expect(
      rateLimitHeaders({
        scope: 'x"\r\nSet-Cookie: a',
        retryAfterMs: 1,
        limit: 1,
        remaining: 0,
        resetMs: 1,
        windowMs: 1000,
      })['RateLimit'],
    ).toBe('"limit";r=0;t=1');
  });
});

describe('the in-memory sliding log', () => {
  const window = (max: number, windowMs: number) => [{ scope: 'principal', key: 'p', max, windowMs }];

  it('holds memory bounded by the window, not by the traffic', () => {
    const store = createMemoryRateLimitStore();
    // 300,000 admissions, 5 per millisecond, inside one 60 s window whose limit is exactly that many.
    let admitted = 0;
    for (let i = 0; i < 300_000; i++) {
      if (store.acquire(window(300_000, 60_000), undefined, Math.floor(i / 5)).ok) admitted++;
    }
    expect(admitted).toBe(300_000);
    expect(store.buckets()).toBeLessThanOrEqual(MAX_BUCKETS + 1);
    // ... and still counts every one of them.
    expect(store.acquire(window(300_000, 60_000), undefined, 60_000)).toMatchObject({ ok: false });
  });

  it('with coarse buckets refuses a little early, never admits beyond max in a window', () => {
    const store = createMemoryRateLimitStore();
    const w = window(2, 10_000); // 10 ms buckets
    expect(store.acquire(w, undefined, 0).ok).toBe(true);
    expect(store.acquire(w, undefined, 9).ok).toBe(true); // same bucket as t = 0
    // The admission at 0 is a window old at 10,000, but its bucket leaves only when the one at 9 does.
    expect(store.acquire(w, undefined, 10_000)).toMatchObject({ ok: false, retryAfterMs: 9 });
    expect(store.acquire(w, undefined, 10_009).ok).toBe(true);
    expect(store.acquire(w, undefined, 10_009).ok).toBe(true);
    expect(store.acquire(w, undefined, 10_010)).toMatchObject({ ok: false });
  });

  it('survives a clock that steps back without ever freeing capacity early', () => {
    const store = createMemoryRateLimitStore();
    const w = window(2, 10_000);
    expect(store.acquire(w, undefined, 5000).ok).toBe(true);
    expect(store.acquire(w, undefined, 4995).ok).toBe(true); // the clock stepped back 5 ms
    expect(store.acquire(w, undefined, 14_999)).toMatchObject({ ok: false });
    expect(store.acquire(w, undefined, 15_000).ok).toBe(true);
  });
});
