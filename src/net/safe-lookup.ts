import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { WardenError, isWardenError } from '../errors/index.js';
import { isForbiddenAddress } from './address-policy.js';
import type { AddressAllowList } from './allow-list.js';
import { limitLookups } from './lookup-limit.js';

/** One A or AAAA answer. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a host name to every address it has; injectable so tests can play DNS. `signal` ends a lookup that
 * is still waiting for its turn (see {@link limitLookups}).
 */
export type Resolver = (host: string, signal?: AbortSignal) => Promise<ResolvedAddress[]>;

/** Options of {@link resolveChecked} and {@link createSafeLookup}. */
export interface SafeLookupOptions {
  /** Exceptions to the private-address block. */
  allow: AddressAllowList;
  /** Destination port, for `host:port` allow entries. */
  port?: number;
  /** Name resolution; default: the system resolver (`dns.lookup` with `all: true`). */
  resolve?: Resolver;
  /** The connection's deadline or cancellation, for a lookup still waiting to start. */
  signal?: AbortSignal;
}

/** Most answers considered for one name; more is a sign of abuse, not of a real service. */
export const MAX_DNS_ANSWERS = 64;

async function lookupAll(host: string): Promise<ResolvedAddress[]> {
  const answers = await dnsLookup(host, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

/**
 * Resolves with the operating system's resolver, every answer, in the order it gives them; one limit for the
 * whole process, because the thread pool it protects is one for the whole process.
 */
export const systemResolver: Resolver = limitLookups(lookupAll);

function bareHost(host: string): string {
  const unbracketed = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return unbracketed.toLowerCase();
}

/**
 * Resolves `host` and returns its answers only if every one of them is allowed; a single forbidden answer
 * refuses the name (HTTP_ADDRESS_DENIED), so the caller can connect to exactly what was checked.
 */
export async function resolveChecked(host: string, options: SafeLookupOptions): Promise<ResolvedAddress[]> {
  const name = bareHost(host);
  const target = { host: name, ...(options.port === undefined ? {} : { port: options.port }) };
  if (isIP(name) !== 0) {
    if (isForbiddenAddress(name, options.allow, target)) throw new WardenError('HTTP_ADDRESS_DENIED');
    return [{ address: name, family: isIP(name) === 6 ? 6 : 4 }];
  }
  let answers: ResolvedAddress[];
  try {
    answers = await (options.resolve ?? systemResolver)(name, options.signal);
  } catch (error) {
    if (isWardenError(error)) throw error;
    throw new WardenError('HTTP_DNS_FAILED', undefined, { cause: error });
  }
  if (answers.length === 0 || answers.length > MAX_DNS_ANSWERS) throw new WardenError('HTTP_DNS_FAILED');
  for (const answer of answers) {
    if (isIP(answer.address) === 0 || isForbiddenAddress(answer.address, options.allow, target)) {
      throw new WardenError('HTTP_ADDRESS_DENIED');
    }
  }
  return answers.map((a) => ({ address: a.address, family: isIP(a.address) === 6 ? 6 : 4 }));
}

/**
 * A `lookup` for `net.connect`, `http.request` and agents that resolves once, refuses the name if any answer is
 * forbidden, and hands back only the checked addresses, so a rebinding resolver cannot swap them afterwards.
 */
export function createSafeLookup(options: SafeLookupOptions): LookupFunction {
  return function safeLookup(hostname, lookupOptions: LookupOptions, callback) {
    resolveChecked(hostname, options).then(
      (answers) => {
        const wanted =
          lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : undefined;
        const usable: LookupAddress[] = answers.filter((a) => wanted === undefined || a.family === wanted);
        const first = usable[0];
        if (first === undefined) {
          callback(new WardenError('HTTP_DNS_FAILED'), '', 0);
        } else if (lookupOptions.all === true) {
          callback(null, usable);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: unknown) => {
        const failure = isWardenError(error)
          ? error
          : new WardenError('HTTP_DNS_FAILED', undefined, { cause: error });
        callback(failure, '', 0);
      },
    );
  };
}
