import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { isWardenError } from '../errors/index.js';
import { EMPTY_ALLOW_LIST, parseAllowList, type Resolver } from '../net/index.js';
import { LOCALHOST_ADDRESSES, createUpstreamLookup } from './upstream-lookup.js';

interface Outcome {
  code?: string;
  message?: string;
  addresses?: LookupAddress[];
}

/** A resolver that answers every name with `list` and records the names it was asked. */
function scripted(...list: string[]): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = (host: string): Promise<{ address: string; family: 4 | 6 }[]> => {
    asked.push(host);
    return Promise.resolve(list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return Object.assign(resolve, { asked });
}

function lookUp(
  host: string,
  resolve: Resolver,
  allow: readonly string[] = [],
  port = 8080,
): Promise<Outcome> {
  const lookup = createUpstreamLookup({
    name: 'tickets',
    allow: allow.length === 0 ? EMPTY_ALLOW_LIST : parseAllowList(allow, { names: false }),
    port,
    resolve,
  });
  return new Promise((done) =>
    lookup(host, { all: true }, (error, addresses) => {
      if (error === null) done({ addresses: addresses as LookupAddress[] });
      else if (isWardenError(error)) done({ code: error.code, message: error.message });
      else done({ code: `NON_WARDEN: ${String(error)}` });
    }),
  );
}

describe('createUpstreamLookup', () => {
  it('allows a name whose answers are all public, and hands back exactly those answers', async () => {
    const resolve = scripted('93.184.216.34', '2606:2800:220:1::1');
    expect(await lookUp('mcp.example.test', resolve)).toEqual({
      addresses: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1::1', family: 6 },
      ],
    });
    expect(resolve.asked).toEqual(['mcp.example.test']);
  });

  it.each([
    ['127.0.0.1', '127.0.0.1 (loopback)'],
    ['169.254.169.254', '169.254.169.254 (link-local)'],
    ['10.0.0.5', '10.0.0.5 (private)'],
    ['::ffff:192.168.1.10', '::ffff:192.168.1.10 (private)'],
    ['fd00:ec2::254', 'fd00:ec2::254 (unique-local)'],
    ['bogus', '"bogus" (not an IP address)'],
  ])(
    'refuses a name that resolves to %s, naming the upstream, the address and the setting',
    async (answer, shown) => {
      expect(await lookUp('mcp.example.test', scripted(answer))).toEqual({
        code: 'UPSTREAM_ADDRESS_DENIED',
        message: `upstream tickets: mcp.example.test resolved to ${shown}, which is not allowed; add it to upstreams.tickets.allow to connect`,
      });
    },
  );

  it('refuses the whole name when one of its answers is forbidden', async () => {
    const outcome = await lookUp('mcp.example.test', scripted('93.184.216.34', '127.0.0.1'));
    expect(outcome.code).toBe('UPSTREAM_ADDRESS_DENIED');
  });

  it('connects to a special address that allow lists, by address, CIDR block or address:port', async () => {
    const loopback = { addresses: [{ address: '127.0.0.1', family: 4 }] };
    expect(await lookUp('svc.test', scripted('127.0.0.1'), ['127.0.0.1'])).toEqual(loopback);
    expect(await lookUp('svc.test', scripted('127.0.0.1'), ['127.0.0.0/8'])).toEqual(loopback);
    expect(await lookUp('svc.test', scripted('127.0.0.1'), ['127.0.0.1:8080'], 8080)).toEqual(loopback);
    expect((await lookUp('svc.test', scripted('127.0.0.1'), ['127.0.0.1:8080'], 9090)).code).toBe(
      'UPSTREAM_ADDRESS_DENIED',
    );
    expect((await lookUp('svc.test', scripted('127.0.0.2'), ['127.0.0.1'])).code).toBe(
      'UPSTREAM_ADDRESS_DENIED',
    );
  });

  it.each(['localhost', 'LOCALHOST', 'localhost.'])(
    'maps %s to loopback without asking the resolver or the policy',
    async (host) => {
      const resolve = scripted('10.0.0.5');
      expect(await lookUp(host, resolve)).toEqual({ addresses: [...LOCALHOST_ADDRESSES] });
      expect(resolve.asked).toEqual([]);
    },
  );

  it('reports a name that does not resolve as UPSTREAM_UNAVAILABLE, naming the upstream', async () => {
    const failing: Resolver = () => Promise.reject(new Error('ENOTFOUND'));
    expect(await lookUp('gone.test', failing)).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'upstream tickets: gone.test could not be resolved',
    });
    expect(await lookUp('empty.test', scripted())).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'upstream tickets: empty.test could not be resolved',
    });
  });
});
