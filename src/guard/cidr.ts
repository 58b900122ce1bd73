import { WardenError } from '../errors/index.js';
import { parseIp, type IpAddress } from './ip-address.js';

/** One CIDR block. */
export interface Cidr {
  readonly version: 4 | 6;
  readonly bytes: Uint8Array;
  readonly bits: number;
  readonly text: string;
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address (a /32 or /128); throws CONFIG_INVALID otherwise. */
export function parseCidr(input: string): Cidr {
  const slash = input.indexOf('/');
  const addressText = slash < 0 ? input : input.slice(0, slash);
  const ip = parseIp(addressText.trim());
  if (!ip) throw new WardenError('CONFIG_INVALID', `invalid CIDR: ${input.slice(0, 64)}`);
  // An IPv4-mapped block (::ffff:10.0.0.0/104) is the IPv4 block /8.
  const mappedOffset = ip.version === 4 && addressText.includes(':') ? 96 : 0;
  const max = ip.version === 4 ? 32 : 128;
  let bits = max;
  if (slash >= 0) {
    const bitsText = input.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bitsText))
      throw new WardenError('CONFIG_INVALID', `invalid CIDR: ${input.slice(0, 64)}`);
    bits = Number(bitsText) - mappedOffset;
    if (bits < 0 || bits > max)
      throw new WardenError('CONFIG_INVALID', `invalid CIDR prefix: ${input.slice(0, 64)}`);
  }
  return { version: ip.version, bytes: ip.bytes, bits, text: `${ip.text}/${bits}` };
}

/** True when the address lies inside the block. */
export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.version !== ip.version) return false;
  const full = cidr.bits >> 3;
  for (let i = 0; i < full; i++) if (cidr.bytes[i] !== ip.bytes[i]) return false;
  const rest = cidr.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((cidr.bytes[full] ?? 0) & mask) === ((ip.bytes[full] ?? 0) & mask);
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
