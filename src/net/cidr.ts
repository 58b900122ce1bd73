import { isIPv4, isIPv6 } from 'node:net';

/** A parsed IP address: 4 bytes for IPv4, 16 for IPv6, most significant first. */
export interface IpAddress {
  family: 4 | 6;
  bytes: Uint8Array;
}

/** A parsed CIDR block; `bytes` are already masked to `prefix` bits. */
export interface Cidr {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

const IPV4_MAPPED_PREFIX = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);

function parseIpv4Bytes(text: string): Uint8Array {
  return Uint8Array.from(text.split('.'), Number);
}

function parseIpv6Bytes(text: string): Uint8Array {
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  let hex = text;
  if (last.includes('.')) {
    const v4 = parseIpv4Bytes(last);
    const high = (((v4[0] ?? 0) << 8) | (v4[1] ?? 0)).toString(16);
    const low = (((v4[2] ?? 0) << 8) | (v4[3] ?? 0)).toString(16);
    hex = `${text.slice(0, lastColon + 1)}${high}:${low}`;
  }
  const [left = '', right] = hex.split('::');
  const toGroups = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((g) => parseInt(g, 16));
  const leftGroups = toGroups(left);
  const rightGroups = right === undefined ? [] : toGroups(right);
  const zeros = new Array<number>(8 - leftGroups.length - rightGroups.length).fill(0);
  const bytes = new Uint8Array(16);
  [...leftGroups, ...zeros, ...rightGroups].forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** Parses a literal IPv4 or IPv6 address (a `%zone` suffix is ignored); undefined when it is not one. */
export function parseIpAddress(text: string): IpAddress | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIPv4(bare)) return { family: 4, bytes: parseIpv4Bytes(bare) };
  const zoneAt = bare.indexOf('%');
  if (zoneAt !== -1 && !/^[0-9A-Za-z_.-]+$/.test(bare.slice(zoneAt + 1))) return undefined;
  const unzoned = zoneAt === -1 ? bare : bare.slice(0, zoneAt);
  if (isIPv6(unzoned)) return { family: 6, bytes: parseIpv6Bytes(unzoned) };
  return undefined;
}

/** Returns the embedded IPv4 address of an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), else the address itself. */
export function normaliseAddress(address: IpAddress): IpAddress {
  if (address.family !== 6) return address;
  // A plain loop: the access guard runs this for every request that an allowlist checks.
  for (let i = 0; i < IPV4_MAPPED_PREFIX.length; i++) {
    if (address.bytes[i] !== IPV4_MAPPED_PREFIX[i]) return address;
  }
  return { family: 4, bytes: address.bytes.slice(12) };
}

/**
 * Formats an address in its canonical text form: dotted quad, or IPv6 in lowercase hex without leading zeros,
 * its longest run of two or more zero groups (the first, on a tie) compressed to `::` (RFC 5952).
 */
export function formatIpAddress(address: IpAddress): string {
  const b = address.bytes;
  if (address.family === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((b[i] ?? 0) << 8) | (b[i + 1] ?? 0)).toString(16));
  let bestStart = -1;
  let bestLength = 1; // a single zero group is not compressed
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}

function maskBytes(bytes: Uint8Array, prefix: number): Uint8Array {
  return bytes.map((byte, i) => {
    const bits = Math.min(8, Math.max(0, prefix - i * 8));
    return bits === 0 ? 0 : byte & ((0xff << (8 - bits)) & 0xff);
  });
}

/** Parses `address/prefix` (or a bare address, meaning a single host); IPv4-mapped blocks become IPv4 blocks. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const address = parseIpAddress(slash === -1 ? text : text.slice(0, slash));
  if (address === undefined || (slash !== -1 && text.slice(0, slash).includes('%'))) return undefined;
  const maxPrefix = address.family === 4 ? 32 : 128;
  const prefixText = slash === -1 ? String(maxPrefix) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  let prefix = Number(prefixText);
  if (prefix > maxPrefix) return undefined;
  const normal = normaliseAddress(address);
  if (normal.family !== address.family) {
    if (prefix < 96) return undefined;
    prefix -= 96;
  }
  return { family: normal.family, bytes: maskBytes(normal.bytes, prefix), prefix };
}

/** True when `address` (normalised, so IPv4-mapped addresses match IPv4 blocks) lies inside `cidr`. */
export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  const normal = normaliseAddress(address);
  if (normal.family !== cidr.family) return false;
  const whole = cidr.prefix >> 3;
  for (let i = 0; i < whole; i++) if (normal.bytes[i] !== cidr.bytes[i]) return false;
  const rest = cidr.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((normal.bytes[whole] ?? 0) & mask) === cidr.bytes[whole];
}
