import { describe, expect, it, vi } from 'vitest';
import { WardenError, isWardenError } from '../errors/index.js';
import { MAX_LOOKUP_POOL_THREADS, libuvPoolThreads, limitLookups } from './lookup-limit.js';
import { systemResolver } from './safe-lookup.js';

interface Started {
  host: string;
  answer: () => void;
  fail: () => void;
}

const dns = vi.hoisted(() => ({ calls: [] as { host: string; answer: () => void }[] }));

// The system resolver is checked against a getaddrinfo that answers only when told to: no real DNS is asked.
vi.mock('node:dns/promises', () => ({
  lookup: (host: string) =>
    new Promise((resolve) => {
      dns.calls.push({ host, answer: () => resolve([{ address: '127.0.0.1', family: 4 }]) });
    }),
}));

/** A lookup that answers only when the test says so, counting how many run at once. */
function scriptedLookup(): {
  lookup: (host: string) => Promise<string>;
  started: Started[];
  peak: () => number;
} {
  const started: Started[] = [];
  let running = 0;
  let peak = 0;
  const lookup = (host: string): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      running += 1;
      peak = Math.max(peak, running);
      const finish = (): void => {
        running -= 1;
      };
      started.push({
        host,
        answer: () => {
          finish();
          resolve(`address of ${host}`);
        },
        fail: () => {
          finish();
          reject(new Error('EAI_AGAIN'));
        },
      });
    });
  return { lookup, started, peak: () => peak };
}

interface Outcome {
  state: 'pending' | 'fulfilled' | 'rejected';
  value?: unknown;
  code?: string;
}

function watch(promise: Promise<unknown>): Outcome {
  const outcome: Outcome = { state: 'pending' };
  promise.then(
    (value) => Object.assign(outcome, { state: 'fulfilled', value }),
    (error: unknown) =>
      Object.assign(outcome, { state: 'rejected', code: isWardenError(error) ? error.code : String(error) }),
  );
  return outcome;
}

/** Lets every promise callback that is already due run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const hostsOf = (started: Started[]): string[] => started.map((s) => s.host);

describe('limitLookups', () => {
  it('runs at most maxConcurrent lookups at once, starting the others in arrival order', async () => {
    const { lookup, started, peak } = scriptedLookup();
    const limited = limitLookups(lookup, { maxConcurrent: 2 });
    const outcomes = ['a.test', 'b.test', 'c.test', 'd.test', 'e.test'].map((h) => watch(limited(h)));
    await settle();
    expect(hostsOf(started)).toEqual(['a.test', 'b.test']);
    started[1]?.answer();
    await settle();
    expect(hostsOf(started)).toEqual(['a.test', 'b.test', 'c.test']);
    for (let i = 0; i < started.length; i += 1) {
      started[i]?.answer();
      await settle();
    }
    expect(hostsOf(started)).toEqual(['a.test', 'b.test', 'c.test', 'd.test', 'e.test']);
    expect(peak()).toBe(2);
    expect(outcomes.map((o) => o.value)).toEqual(started.map((s) => `address of ${s.host}`));
  });

  it(`allows MAX_LOOKUP_POOL_THREADS (${MAX_LOOKUP_POOL_THREADS}) lookups at once by default`, async () => {
    const { lookup, started } = scriptedLookup();
    const limited = limitLookups(lookup);
    for (const host of ['a.test', 'b.test', 'c.test', 'd.test']) watch(limited(host));
    await settle();
    expect(MAX_LOOKUP_POOL_THREADS).toBe(
      Math.max(1, Math.floor(libuvPoolThreads(process.env.UV_THREADPOOL_SIZE) / 2)),
    );
    expect(started).toHaveLength(Math.min(4, MAX_LOOKUP_POOL_THREADS));
  });

  it('reads the pool size as libuv does: unset 4, junk or zero 1, at most 1024', () => {
    expect(libuvPoolThreads(undefined)).toBe(4);
    expect(libuvPoolThreads('16')).toBe(16);
    expect(libuvPoolThreads('8threads')).toBe(8);
    for (const junk of ['', 'many', '0', '-3', 'NaN']) expect(libuvPoolThreads(junk)).toBe(1);
    expect(libuvPoolThreads('1000000')).toBe(1024);
  });

  it('ends a queued lookup with HTTP_TIMEOUT at the deadline without ever starting it', async () => {
    const { lookup, started } = scriptedLookup();
    const limited = limitLookups(lookup, { maxConcurrent: 2 });
    watch(limited('a.test'));
    watch(limited('b.test'));
    const deadline = new AbortController();
    const queued = watch(limited('c.test', deadline.signal));
    await settle();
    expect(queued.state).toBe('pending');
    deadline.abort(new WardenError('HTTP_TIMEOUT'));
    await settle();
    expect(queued).toEqual({ state: 'rejected', code: 'HTTP_TIMEOUT' });
    for (const s of [...started]) s.answer();
    await settle();
    expect(hostsOf(started)).toEqual(['a.test', 'b.test']);
  });

  it('keeps the slot of a caller that gave up until its lookup returns, then hands it to the next waiter', async () => {
    const { lookup, started } = scriptedLookup();
    const limited = limitLookups(lookup, { maxConcurrent: 2 });
    const gaveUp = new AbortController();
    watch(limited('a.test', gaveUp.signal));
    watch(limited('b.test'));
    const c = watch(limited('c.test'));
    const d = watch(limited('d.test'));
    await settle();
    gaveUp.abort(new WardenError('HTTP_TIMEOUT'));
    await settle();
    expect(hostsOf(started)).toEqual(['a.test', 'b.test']);
    started[0]?.answer();
    await settle();
    expect(hostsOf(started)).toEqual(['a.test', 'b.test', 'c.test']);
    started[1]?.fail();
    await settle();
    expect(hostsOf(started)).toEqual(['a.test', 'b.test', 'c.test', 'd.test']);
    started[2]?.answer();
    started[3]?.answer();
    await settle();
    expect([c.state, d.state]).toEqual(['fulfilled', 'fulfilled']);
  });

  it('never makes a literal IP address wait for a slot', async () => {
    const { lookup, started } = scriptedLookup();
    const limited = limitLookups(lookup, { maxConcurrent: 2 });
    watch(limited('a.test'));
    watch(limited('b.test'));
    const queued = watch(limited('c.test'));
    const v4 = watch(limited('127.0.0.1'));
    const v6 = watch(limited('::1'));
    await settle();
    expect(hostsOf(started).sort()).toEqual(['127.0.0.1', '::1', 'a.test', 'b.test']);
    for (const s of started.filter((l) => !l.host.endsWith('.test'))) s.answer();
    await settle();
    expect([v4.state, v6.state, queued.state]).toEqual(['fulfilled', 'fulfilled', 'pending']);
  });

  it('ends a lookup cancelled while queued with CANCELLED and keeps the rest of the queue in order', async () => {
    const { lookup, started } = scriptedLookup();
    const limited = limitLookups(lookup, { maxConcurrent: 1 });
    watch(limited('a.test'));
    const b = watch(limited('b.test'));
    const caller = new AbortController();
    const c = watch(limited('c.test', caller.signal));
    const d = watch(limited('d.test'));
    await settle();
    caller.abort();
    await settle();
    expect(c).toEqual({ state: 'rejected', code: 'CANCELLED' });
    started[0]?.answer();
    await settle();
    expect(hostsOf(started)).toEqual(['a.test', 'b.test']);
    started[1]?.answer();
    await settle();
    expect(hostsOf(started)).toEqual(['a.test', 'b.test', 'd.test']);
    started[2]?.answer();
    await settle();
    expect([b.state, d.state]).toEqual(['fulfilled', 'fulfilled']);
    watch(limited('e.test'));
    await settle();
    expect(hostsOf(started)).toEqual(['a.test', 'b.test', 'd.test', 'e.test']);
  });

  it('refuses a caller that has already given up without queueing or starting it', async () => {
    const { lookup, started } = scriptedLookup();
    const limited = limitLookups(lookup, { maxConcurrent: 1 });
    const caller = new AbortController();
    caller.abort();
    const refused = watch(limited('a.test', caller.signal));
    await settle();
    expect(refused).toEqual({ state: 'rejected', code: 'CANCELLED' });
    watch(limited('b.test'));
    await settle();
    expect(hostsOf(started)).toEqual(['b.test']);
  });
});

describe('systemResolver', () => {
  it(`runs at most MAX_LOOKUP_POOL_THREADS getaddrinfo calls at once, process-wide`, async () => {
    const hosts = Array.from({ length: MAX_LOOKUP_POOL_THREADS + 1 }, (_, i) => `h${i}.test`);
    const outcomes = hosts.map((host) => watch(systemResolver(host)));
    await settle();
    expect(dns.calls.map((c) => c.host)).toEqual(hosts.slice(0, -1));
    dns.calls[0]?.answer();
    await settle();
    expect(dns.calls.map((c) => c.host)).toEqual(hosts);
    for (const call of dns.calls.slice(1)) call.answer();
    await settle();
    expect(outcomes.map((o) => o.value)).toEqual(hosts.map(() => [{ address: '127.0.0.1', family: 4 }]));
  });
});
