import {
  cidrContains,
  normaliseAddress,
  parseCidr,
  parseIpAddress,
  type Cidr,
  type IpAddress,
} from './cidr.js';

/** Why an address is not a public destination. */
export type AddressCategory =
  | 'invalid'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'ietf'
  | 'documentation'
  | 'benchmarking'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'unique-local'
  | 'site-local'
  | 'nat64-local';

interface SpecialRange {
  cidr: Cidr;
  category: AddressCategory;
}

function range(text: string, category: AddressCategory): SpecialRange {
  const cidr = parseCidr(text);
  if (cidr === undefined) throw new TypeError(`bad built-in range ${text}`);
  return { cidr, category };
}

// Order matters only for the reported category (broadcast before reserved). Sources: RFC 6890 and the IANA
// special-purpose address registries.
const IPV4_RANGES: readonly SpecialRange[] = [
  range('0.0.0.0/8', 'unspecified'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'cgnat'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'ietf'),
  range('192.0.2.0/24', 'documentation'),
  range('192.88.99.0/24', 'reserved'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('255.255.255.255/32', 'broadcast'),
  range('240.0.0.0/4', 'reserved'),
];

const IPV6_RANGES: readonly SpecialRange[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('64:ff9b:1::/48', 'nat64-local'),
  range('100::/64', 'reserved'),
  range('2001:2::/48', 'benchmarking'),
  range('2001:10::/28', 'reserved'),
  range('2001:20::/28', 'reserved'),
  range('2001:db8::/32', 'documentation'),
  range('3fff::/20', 'documentation'),
  range('5f00::/16', 'reserved'),
  range('fc00::/7', 'unique-local'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local'),
  range('ff00::/8', 'multicast'),
];

const GLOBAL_UNICAST_V6 = range('2000::/3', 'reserved').cidr;

function ipv4(bytes: Uint8Array): IpAddress {
  return { family: 4, bytes };
}

/**
 * The IPv4 addresses an IPv6 address carries and that a translator or tunnel would reach: IPv4-compatible
 * (::a.b.c.d), SIIT (::ffff:0:a.b.c.d), NAT64 well-known prefix (64:ff9b::/96), 6to4 (2002::/16) and Teredo
 * (2001::/32: the server, and the client address inverted).
 */
export function embeddedIpv4(address: IpAddress): IpAddress[] {
  if (address.family !== 6) return [];
  const b = address.bytes;
  const zeroUpTo = (n: number): boolean => b.subarray(0, n).every((x) => x === 0);
  if (zeroUpTo(12)) return [ipv4(b.slice(12))];
  if (zeroUpTo(8) && b[8] === 0xff && b[9] === 0xff && b[10] === 0 && b[11] === 0) return [ipv4(b.slice(12))];
  if (
    b[0] === 0 &&
    b[1] === 0x64 &&
    b[2] === 0xff &&
    b[3] === 0x9b &&
    b.subarray(4, 12).every((x) => x === 0)
  ) {
    return [ipv4(b.slice(12))];
  }
  if (b[0] === 0x20 && b[1] === 0x02) return [ipv4(b.slice(2, 6))];
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0 && b[3] === 0) {
    return [ipv4(b.slice(12).map((x) => x ^ 0xff)), ipv4(b.slice(4, 8))];
  }
  return [];
}

function classifyIpv4(address: IpAddress): AddressCategory | undefined {
  return IPV4_RANGES.find((r) => cidrContains(r.cidr, address))?.category;
}

/** The special-purpose category of a literal address, `invalid` when it does not parse, undefined when it is public. */
export function classifyAddress(text: string): AddressCategory | undefined {
  const parsed = parseIpAddress(text);
  if (parsed === undefined) return 'invalid';
  const address = normaliseAddress(parsed);
  if (address.family === 4) return classifyIpv4(address);
  const special = IPV6_RANGES.find((r) => cidrContains(r.cidr, address))?.category;
  if (special !== undefined) return special;
  const embedded = embeddedIpv4(address);
  if (embedded.length > 0) {
    for (const inner of embedded) {
      const category = classifyIpv4(inner);
      if (category !== undefined) return category;
    }
    return undefined;
  }
  return cidrContains(GLOBAL_UNICAST_V6, address) ? undefined : 'reserved';
}
