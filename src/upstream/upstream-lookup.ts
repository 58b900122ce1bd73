import { isIP, type LookupFunction } from 'node:net';
import { WardenError } from '../errors/index.js';
import {
  classifyAddress,
  isLocalhostName,
  lookupFrom,
  resolveChecked,
  type AddressAllowList,
  type ResolvedAddress,
  type Resolver,
  type SafeLookupOptions,
} from '../net/index.js';

/** Where an upstream URL naming `localhost` connects: loopback, never a DNS answer (RFC 6761, section 6.3). */
export const LOCALHOST_ADDRESSES: readonly ResolvedAddress[] = Object.freeze([
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
]);

/** Options of {@link createUpstreamLookup}. */
export interface UpstreamLookupOptions {
  /** The upstream's key under `upstreams`, named in errors. */
  name: string;
  /** `upstreams.<name>.allow`: the special-purpose addresses this upstream may connect to. */
  allow: AddressAllowList;
  /** The URL's port, for `address:port` allow entries. */
  port: number;
  /** Name resolution; tests inject one. @default the system resolver (see `systemResolver`) */
  resolve?: Resolver | undefined;
}

function describeAddress(address: string): string {
  const category = classifyAddress(address);
  if (category === 'invalid') return `"${address.slice(0, 64)}" (not an IP address)`;
  return category === undefined ? address : `${address} (${category})`;
}

/**
 * The `lookup` of one HTTP upstream's agent. A URL host that is an address or `localhost` connects as written,
 * without DNS; a name is resolved on each new connection, and refused (UPSTREAM_ADDRESS_DENIED) when any answer
 * is a special-purpose address that `upstreams.<name>.allow` does not list. The connection then goes to exactly
 * the checked answers: no second resolution a rebinding DNS could answer differently.
 */
export function createUpstreamLookup(options: UpstreamLookupOptions): LookupFunction {
  const unresolved = (host: string, cause?: unknown): WardenError =>
    new WardenError('UPSTREAM_UNAVAILABLE', `upstream ${options.name}: ${host} could not be resolved`, {
      cause,
    });
  const checks: SafeLookupOptions = {
    allow: options.allow,
    port: options.port,
    ...(options.resolve === undefined ? {} : { resolve: options.resolve }),
    denied: (address, host) =>
      new WardenError(
        'UPSTREAM_ADDRESS_DENIED',
        `upstream ${options.name}: ${host} resolved to ${describeAddress(address)}, which is not allowed; ` +
          `add it to upstreams.${options.name}.allow to connect`,
      ),
    unresolved,
  };
  return lookupFrom((hostname) => {
    if (isLocalhostName(hostname)) return Promise.resolve(LOCALHOST_ADDRESSES);
    // Node never looks up a literal, but one reaching here is still the configured address, not a DNS answer.
    const family = isIP(hostname);
    if (family !== 0) return Promise.resolve([{ address: hostname, family: family === 6 ? 6 : 4 }]);
    return resolveChecked(hostname, checks);
  }, unresolved);
}
