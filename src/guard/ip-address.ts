import {
  formatIpAddress,
  normaliseAddress,
  parseIpAddress,
  type IpAddress as NetIpAddress,
} from '../net/cidr.js';

/** A client's address as the access guard sees it: IPv4-mapped IPv6 already turned into IPv4. */
export interface IpAddress extends NetIpAddress {
  /** Canonical text: dotted quad, or compressed lowercase IPv6. */
  readonly text: string;
}

/**
 * Parses an IPv4 or IPv6 address (brackets and a zone id are stripped). IPv4-mapped IPv6 addresses
 * (`::ffff:10.0.0.1`, `::ffff:a00:1`) become IPv4 so that one allowlist entry covers both spellings.
 */
export function parseIp(input: string): IpAddress | undefined {
  const parsed = parseIpAddress(input);
  if (parsed === undefined) return undefined;
  const address = normaliseAddress(parsed);
  return { family: address.family, bytes: address.bytes, text: formatIpAddress(address) };
}

/** True for 127.0.0.0/8 and ::1 (after IPv4-mapped normalisation). */
export function isLoopbackIp(ip: IpAddress): boolean {
  if (ip.family === 4) return ip.bytes[0] === 127;
  for (let i = 0; i < 15; i++) if (ip.bytes[i] !== 0) return false;
  return ip.bytes[15] === 1;
}
