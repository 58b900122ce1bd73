import { createServer, type Server } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WardenError, isWardenError } from '../errors/index.js';
import { EMPTY_ALLOW_LIST, parseAllowList } from './allow-list.js';
import { connectGuarded } from './guarded-connection.js';
import { heldResolver } from './test-resolver.js';
import { createSafeLookup, resolveChecked, type Resolver } from './safe-lookup.js';

const answers =
  (...list: string[]): Resolver =>
  () =>
    Promise.resolve(list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'NO_ERROR';
  } catch (error) {
    return isWardenError(error) ? error.code : `NON_WARDEN: ${String(error)}`;
  }
}

function lookupOnce(
  resolve: Resolver,
  options: { all?: boolean; family?: number },
): Promise<{ error: unknown; address: string | LookupAddress[]; family?: number | undefined }> {
  const lookup = createSafeLookup({ allow: parseAllowList(['127.0.0.0/8']), resolve });
  return new Promise((done) =>
    lookup('svc.test', options, (error, address, family) => done({ error, address, family })),
  );
}

describe('resolveChecked', () => {
  it('returns every answer when all are allowed', async () => {
    const allow = parseAllowList(['127.0.0.0/8', '::1']);
    expect(await resolveChecked('svc.test', { allow, resolve: answers('127.0.0.2', '::1') })).toEqual([
      { address: '127.0.0.2', family: 4 },
      { address: '::1', family: 6 },
    ]);
  });

  it.each([
    [['93.184.216.34', '10.0.0.5'], 'HTTP_ADDRESS_DENIED'],
    [['169.254.169.254'], 'HTTP_ADDRESS_DENIED'],
    [['::ffff:192.168.0.1'], 'HTTP_ADDRESS_DENIED'],
    [['bogus'], 'HTTP_ADDRESS_DENIED'],
    [[], 'HTTP_DNS_FAILED'],
    [Array.from({ length: 65 }, () => '93.184.216.34'), 'HTTP_DNS_FAILED'],
  ])('refuses answers %j with %s (nothing is contacted)', async (list, code) => {
    expect(
      await codeOf(resolveChecked('svc.test', { allow: EMPTY_ALLOW_LIST, resolve: answers(...list) })),
    ).toBe(code);
  });

  it('maps resolver failures to HTTP_DNS_FAILED', async () => {
    expect(
      await codeOf(
        resolveChecked('svc.test', {
          allow: EMPTY_ALLOW_LIST,
          resolve: () => Promise.reject(new Error('ENOTFOUND')),
        }),
      ),
    ).toBe('HTTP_DNS_FAILED');
  });

  it('passes its signal to the resolver: a lookup still queued ends with the deadline code, not HTTP_DNS_FAILED', async () => {
    const { resolve, asked, answerAll } = heldResolver(1);
    const allow = parseAllowList(['127.0.0.0/8']);
    const first = resolveChecked('first.test', { allow, resolve });
    const deadline = new AbortController();
    const queued = codeOf(resolveChecked('queued.test', { allow, resolve, signal: deadline.signal }));
    deadline.abort(new WardenError('HTTP_TIMEOUT'));
    expect(await queued).toBe('HTTP_TIMEOUT');
    answerAll();
    expect(await first).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(asked).toEqual(['first.test']);
  });

  it('builds its refusals with the caller’s errors, naming the refused answer and the host', async () => {
    const options = {
      allow: EMPTY_ALLOW_LIST,
      denied: (address: string, host: string) =>
        new WardenError('UPSTREAM_ADDRESS_DENIED', `${host} → ${address}`),
      unresolved: (host: string) => new WardenError('UPSTREAM_UNAVAILABLE', `${host} unresolved`),
    };
    await expect(
      resolveChecked('SVC.test', { ...options, resolve: answers('93.184.216.34', '169.254.169.254') }),
    ).rejects.toMatchObject({ code: 'UPSTREAM_ADDRESS_DENIED', message: 'svc.test → 169.254.169.254' });
    await expect(resolveChecked('svc.test', { ...options, resolve: answers() })).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'svc.test unresolved',
    });
  });

  it('checks literals without resolving them', async () => {
    const resolve: Resolver = () => Promise.reject(new Error('must not be called'));
    expect(await codeOf(resolveChecked('[::1]', { allow: EMPTY_ALLOW_LIST, resolve }))).toBe(
      'HTTP_ADDRESS_DENIED',
    );
  });
});

describe('createSafeLookup', () => {
  it('answers in the all: true shape used by happy-eyeballs connects', async () => {
    expect(await lookupOnce(answers('127.0.0.1', '127.0.0.2'), { all: true })).toEqual({
      error: null,
      address: [
        { address: '127.0.0.1', family: 4 },
        { address: '127.0.0.2', family: 4 },
      ],
      family: undefined,
    });
  });

  it('answers in the single-address shape, honouring a family filter', async () => {
    expect(await lookupOnce(answers('127.0.0.1'), {})).toEqual({
      error: null,
      address: '127.0.0.1',
      family: 4,
    });
    const none = await lookupOnce(answers('127.0.0.1'), { family: 6 });
    expect(isWardenError(none.error, 'HTTP_DNS_FAILED')).toBe(true);
  });

  it('passes a refusal to the callback as a WardenError', async () => {
    const result = await lookupOnce(answers('127.0.0.1', '10.0.0.1'), { all: true });
    expect(isWardenError(result.error, 'HTTP_ADDRESS_DENIED')).toBe(true);
  });
});

describe('connectGuarded', () => {
  let server: Server;
  let port = 0;
  let connections = 0;
  beforeAll(async () => {
    server = createServer((socket) => {
      connections += 1;
      socket.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses a forbidden literal before opening a connection', async () => {
    const before = connections;
    expect(
      await codeOf(connectGuarded({ host: '127.0.0.1', port, tls: false, allow: EMPTY_ALLOW_LIST })),
    ).toBe('HTTP_ADDRESS_DENIED');
    expect(
      await codeOf(
        connectGuarded({
          host: 'svc.test',
          port,
          tls: false,
          allow: EMPTY_ALLOW_LIST,
          resolve: answers('127.0.0.1'),
        }),
      ),
    ).toBe('HTTP_ADDRESS_DENIED');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(connections).toBe(before);
  });

  it('connects to an allowed address and reports the checked peer', async () => {
    const socket = await connectGuarded({
      host: 'svc.test',
      port,
      tls: false,
      allow: parseAllowList([`127.0.0.1:${port}`]),
      resolve: answers('127.0.0.1'),
    });
    expect([socket.remoteAddress, socket.remotePort]).toEqual(['127.0.0.1', port]);
    socket.destroy();
  });

  it('gives up a connection waiting for a lookup slot when its signal fires, without looking the name up', async () => {
    const { resolve, reached, asked, answerAll } = heldResolver(1);
    const allow = parseAllowList([`127.0.0.1:${port}`]);
    const held = connectGuarded({ host: 'held.test', port, tls: false, allow, resolve });
    const controller = new AbortController();
    const waiting = connectGuarded({
      host: 'queued.test',
      port,
      tls: false,
      allow,
      resolve,
      signal: controller.signal,
    });
    while (!reached.includes('queued.test') || asked.length === 0) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(asked).toEqual(['held.test']);
    controller.abort(new WardenError('HTTP_TIMEOUT'));
    expect(await codeOf(waiting)).toBe('HTTP_TIMEOUT');
    answerAll();
    (await held).destroy();
    expect(asked).toEqual(['held.test']);
  });

  it('rejects with the abort reason when the signal has fired', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      connectGuarded({
        host: '127.0.0.1',
        port,
        tls: false,
        allow: parseAllowList(['127.0.0.1']),
        signal: controller.signal,
      }),
    ).rejects.toBe(controller.signal.reason);
  });
});
