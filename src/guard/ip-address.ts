import { isIPv4, isIPv6 } from 'node:net';

/** A parsed IP address: 4 bytes for IPv4 (including IPv4-mapped IPv6), 16 for IPv6. */
export interface IpAddress {
  readonly version: 4 | 6;
  readonly bytes: Uint8Array;
  /** Canonical text: dotted quad, or the compressed IPv6 form Node uses. */
  readonly text: string;
}

function parseV4(text: string): Uint8Array {
  const bytes = new Uint8Array(4);
  const parts = text.split('.');
  for (let i = 0; i < 4; i++) bytes[i] = Number(parts[i]);
  return bytes;
}

function parseV6(text: string): Uint8Array {
  const bytes = new Uint8Array(16);
  let head = text;
  let tailV4: Uint8Array | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tailV4 = parseV4(text.slice(lastColon + 1));
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = head.split('::');
  const leftGroups = left === '' ? [] : left.split(':');
  const rightGroups = right === undefined || right === '' ? [] : right.split(':');
  const groups = [
    ...leftGroups,
    ...new Array<string>(8 - leftGroups.length - rightGroups.length).fill('0'),
    ...rightGroups,
  ];
  for (let i = 0; i < 8; i++) {
    const value = parseInt(groups[i] ?? '0', 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  }
  if (tailV4) bytes.set(tailV4, 12);
  return bytes;
}

function isV4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

function v6Text(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLen).join(':')}`;
}

/**
 * Parses an IPv4 or IPv6 address (brackets and a zone id are stripped). IPv4-mapped IPv6 addresses
 * (`::ffff:10.0.0.1`, `::ffff:a00:1`) become IPv4 so that one allowlist entry covers both spellings.
 */
export function parseIp(input: string): IpAddress | undefined {
  let text = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (isIPv4(text)) {
    const bytes = parseV4(text);
    return { version: 4, bytes, text: bytes.join('.') };
  }
  if (!isIPv6(text)) return undefined;
  const bytes = parseV6(text.toLowerCase());
  if (isV4Mapped(bytes)) {
    const v4 = bytes.slice(12);
    return { version: 4, bytes: v4, text: v4.join('.') };
  }
  return { version: 6, bytes, text: v6Text(bytes) };
}

/** True for 127.0.0.0/8 and ::1 (after IPv4-mapped normalisation). */
export function isLoopbackIp(ip: IpAddress): boolean {
  if (ip.version === 4) return ip.bytes[0] === 127;
  for (let i = 0; i < 15; i++) if (ip.bytes[i] !== 0) return false;
  return ip.bytes[15] === 1;
}
