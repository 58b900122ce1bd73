import { WardenError } from '../errors/index.js';
import { cidrContains, parseCidr as parseNetCidr, type Cidr } from '../net/cidr.js';
import type { IpAddress } from './ip-address.js';

export { cidrContains, type Cidr };

/**
 * Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address (a /32 or /128) from the configuration; an IPv4-mapped
 * block (`::ffff:10.0.0.0/104`) is the IPv4 block (`10.0.0.0/8`). Throws CONFIG_INVALID otherwise.
 */
export function parseCidr(input: string): Cidr {
  const cidr = parseNetCidr(input.trim());
  if (cidr === undefined) throw new WardenError('CONFIG_INVALID', `invalid CIDR: ${input.slice(0, 64)}`);
  return cidr;
}

/** A compiled allowlist: empty admits everything. */
export interface IpAllowList {
  readonly empty: boolean;
  contains(ip: IpAddress): boolean;
}

/** Compiles a list of CIDR strings; any invalid entry throws CONFIG_INVALID. */
export function compileIpAllowList(entries: readonly string[]): IpAllowList {
  const blocks = entries.map(parseCidr);
  return {
    empty: blocks.length === 0,
    contains: (ip) => blocks.some((b) => cidrContains(b, ip)),
  };
}
