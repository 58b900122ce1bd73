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

/** Options of {@link parseAllowList} and {@link allowEntryProblem}. */
export interface AllowListOptions {
  /** The config key the entries come from, named in errors. @default 'builtins.http.allow' */
  setting?: string;
  /** Accept host names (which trust whatever their DNS answers) besides addresses and CIDR blocks. @default true */
  names?: boolean;
}

type ParsedEntry = { cidr: Cidr } | { host: HostAllowEntry } | { problem: string };

function parseEntry(raw: string, names: boolean): ParsedEntry {
  const entry = raw.trim();
  if (entry.includes('/')) {
    const cidr = parseCidr(entry);
    return cidr === undefined ? { problem: `not a CIDR block: ${entry}` } : { cidr };
  }
  const host = parseHostEntry(entry);
  if (host === undefined) return { problem: `not ${names ? 'a host' : 'an address'}[:port]: ${entry}` };
  if (!names && parseIpAddress(host.host) === undefined) {
    return { problem: `${entry} is a name, not an address: list the addresses or a CIDR block` };
  }
  return { host };
}

/** Why `entry` is not a valid allow entry (without the setting's name), or undefined when it is one. */
export function allowEntryProblem(entry: string, options: AllowListOptions = {}): string | undefined {
  const parsed = parseEntry(entry, options.names ?? true);
  return 'problem' in parsed ? parsed.problem : undefined;
}

/**
 * Parses allow entries (`host`, `host:port`, `[v6]:port` or a CIDR; only addresses when `names` is false), as
 * `builtins.http.allow` and `upstreams.<name>.allow` hold them; throws CONFIG_INVALID on a bad one.
 */
export function parseAllowList(entries: readonly string[], options: AllowListOptions = {}): AddressAllowList {
  const cidrs: Cidr[] = [];
  const hosts: HostAllowEntry[] = [];
  for (const raw of entries) {
    const parsed = parseEntry(raw, options.names ?? true);
    if ('problem' in parsed) {
      throw new WardenError(
        'CONFIG_INVALID',
        `${options.setting ?? 'builtins.http.allow'}: ${parsed.problem}`,
      );
    }
    if ('cidr' in parsed) cidrs.push(parsed.cidr);
    else hosts.push(parsed.host);
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
