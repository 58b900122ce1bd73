import { isIP } from 'node:net';
import { WardenError } from '../errors/index.js';
import {
  cidrContains,
  formatIpAddress,
  normaliseAddress,
  parseCidr,
  parseIpAddress,
  type Cidr,
} from './cidr.js';

/** One host or host:port exception; `port` undefined means any port. */
export interface HostAllowEntry {
  host: string;
  port: number | undefined;
}

/** Parsed `allow` exceptions to the private-address block: CIDR blocks, and hosts (names or literals) with optional ports. */
export interface AddressAllowList {
  cidrs: readonly Cidr[];
  hosts: readonly HostAllowEntry[];
}

/** The destination an address is checked for: the URL host (name or literal) and port. */
export interface AddressTarget {
  host?: string;
  port?: number;
}

/** An allow list with no exceptions. */
export const EMPTY_ALLOW_LIST: AddressAllowList = Object.freeze({ cidrs: [], hosts: [] });

/** Canonical form of a host for comparisons: as the WHATWG URL parser reads it, without brackets or one trailing dot, IPv4-mapped addresses as IPv4. */
export function canonicalHost(host: string): string | undefined {
  const literal = host.includes('%') ? undefined : parseIpAddress(host);
  if (literal !== undefined) return formatIpAddress(normaliseAddress(literal));
  const name = hostnameOf(host);
  if (name === undefined) return undefined;
  const normalised = parseIpAddress(name);
  return normalised === undefined ? name : formatIpAddress(normaliseAddress(normalised));
}

function hostnameOf(host: string): string | undefined {
  if (host === '' || /[/?#@\s\\]/.test(host)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(`http://${host}/`);
  } catch (error) {
    void error;
    return undefined;
  }
  if (parsed.port !== '') return undefined;
  const name = parsed.hostname.replace(/^\[|\]$/g, '');
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

function parseHostEntry(entry: string): HostAllowEntry | undefined {
  if (isIP(entry) === 6) return { host: canonicalHost(entry) ?? entry, port: undefined };
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  const split = bracketed === null ? /^([^:]+)(?::(\d+))?$/.exec(entry) : bracketed;
  if (split === null) return undefined;
  const host = canonicalHost(bracketed === null ? (split[1] ?? '') : `[${split[1] ?? ''}]`);
  const port = split[2] === undefined ? undefined : parsePort(split[2]);
  if (host === undefined || (split[2] !== undefined && port === undefined)) return undefined;
  return { host, port };
}

/** Parses `builtins.http.allow` entries (`host`, `host:port`, `[v6]:port` or a CIDR); throws CONFIG_INVALID on a bad one. */
export function parseAllowList(entries: readonly string[]): AddressAllowList {
  const cidrs: Cidr[] = [];
  const hosts: HostAllowEntry[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry.includes('/')) {
      const cidr = parseCidr(entry);
      if (cidr === undefined)
        throw new WardenError('CONFIG_INVALID', `builtins.http.allow: not a CIDR block: ${entry}`);
      cidrs.push(cidr);
      continue;
    }
    const host = parseHostEntry(entry);
    if (host === undefined)
      throw new WardenError('CONFIG_INVALID', `builtins.http.allow: not a host[:port]: ${entry}`);
    hosts.push(host);
  }
  return Object.freeze({ cidrs: Object.freeze(cidrs), hosts: Object.freeze(hosts) });
}

/** True when an allow entry covers this connected address for this target host and port. */
export function isAllowed(address: string, allow: AddressAllowList, target: AddressTarget = {}): boolean {
  const parsed = parseIpAddress(address);
  if (parsed === undefined) return false;
  if (allow.cidrs.some((cidr) => cidrContains(cidr, parsed))) return true;
  const addressHost = canonicalHost(address);
  const targetHost = target.host === undefined ? undefined : canonicalHost(target.host);
  return allow.hosts.some(
    (entry) =>
      (entry.host === addressHost || (targetHost !== undefined && entry.host === targetHost)) &&
      (entry.port === undefined || entry.port === target.port),
  );
}
