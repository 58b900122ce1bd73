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
  /** The error for a refused answer (`address` as the resolver gave it) of `host`. @default HTTP_ADDRESS_DENIED */
  denied?: (address: string, host: string) => Error;
  /** The error for a name that did not resolve to a usable answer. @default HTTP_DNS_FAILED */
  unresolved?: (host: string, cause?: unknown) => Error;
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

function deniedError(options: SafeLookupOptions, address: string, host: string): Error {
  return options.denied?.(address, host) ?? new WardenError('HTTP_ADDRESS_DENIED');
}

function unresolvedError(options: SafeLookupOptions, host: string, cause?: unknown): Error {
  if (options.unresolved) return options.unresolved(host, cause);
  return new WardenError('HTTP_DNS_FAILED', undefined, cause === undefined ? {} : { cause });
}

/**
 * Resolves `host` and returns its answers only if every one of them is allowed; a single forbidden answer
 * refuses the name (HTTP_ADDRESS_DENIED), so the caller can connect to exactly what was checked.
 */
export async function resolveChecked(host: string, options: SafeLookupOptions): Promise<ResolvedAddress[]> {
  const name = bareHost(host);
  const target = { host: name, ...(options.port === undefined ? {} : { port: options.port }) };
  if (isIP(name) !== 0) {
    if (isForbiddenAddress(name, options.allow, target)) throw deniedError(options, name, name);
    return [{ address: name, family: isIP(name) === 6 ? 6 : 4 }];
  }
  let answers: ResolvedAddress[];
  try {
    answers = await (options.resolve ?? systemResolver)(name, options.signal);
  } catch (error) {
    if (isWardenError(error)) throw error;
    throw unresolvedError(options, name, error);
  }
  if (answers.length === 0 || answers.length > MAX_DNS_ANSWERS) throw unresolvedError(options, name);
  for (const answer of answers) {
    if (isIP(answer.address) === 0 || isForbiddenAddress(answer.address, options.allow, target)) {
      throw deniedError(options, answer.address, name);
    }
  }
  return answers.map((a) => ({ address: a.address, family: isIP(a.address) === 6 ? 6 : 4 }));
}

/**
 * Adapts `answer` (checked addresses for a host name) to the callback `lookup` that `net.connect`,
 * `http.request` and agents call: the connection goes to exactly those addresses, never to a second resolution.
 * `failed` turns a non-Warden failure into the error to report.
 */
export function lookupFrom(
  answer: (hostname: string) => Promise<readonly ResolvedAddress[]>,
  failed: (hostname: string, cause?: unknown) => Error,
): LookupFunction {
  return function checkedLookup(hostname, lookupOptions: LookupOptions, callback) {
    answer(hostname).then(
      (answers) => {
        const wanted =
          lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : undefined;
        const usable: LookupAddress[] = answers.filter((a) => wanted === undefined || a.family === wanted);
        const first = usable[0];
        if (first === undefined) {
          callback(failed(hostname), '', 0);
        } else if (lookupOptions.all === true) {
          callback(null, usable);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: unknown) => callback(isWardenError(error) ? error : failed(hostname, error), '', 0),
    );
  };
}

/**
 * A `lookup` for `net.connect`, `http.request` and agents that resolves once, refuses the name if any answer is
 * forbidden, and hands back only the checked addresses, so a rebinding resolver cannot swap them afterwards.
 */
export function createSafeLookup(options: SafeLookupOptions): LookupFunction {
  return lookupFrom(
    (hostname) => resolveChecked(hostname, options),
    (hostname, cause) => unresolvedError(options, bareHost(hostname), cause),
  );
}
