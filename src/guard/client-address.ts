import type { IncomingHttpHeaders } from 'node:http';
import { WardenError } from '../errors/index.js';
import type { IpAllowList } from './cidr.js';
import { parseIp, type IpAddress } from './ip-address.js';

/** Most forwarded hops examined; a longer chain is refused rather than walked. */
export const MAX_FORWARDED_HOPS = 32;
/** Socket peers remembered once parsed (a few clients send most requests); the memo is emptied when full. */
export const PEER_MEMO_ENTRIES = 256;

const peers = new Map<string, IpAddress>();

/** The socket peer's address, parsed once per distinct text rather than on every request. */
function parsePeer(text: string): IpAddress | undefined {
  const known = peers.get(text);
  if (known) return known;
  const ip = parseIp(text);
  if (!ip) return undefined;
  if (peers.size >= PEER_MEMO_ENTRIES) peers.clear();
  peers.set(text, ip);
  return ip;
}

function headerText(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : value;
}

/** One X-Forwarded-For entry: an address, optionally `v4:port` or `[v6]:port`. */
function parseHop(raw: string): IpAddress | undefined {
  let text = raw.trim();
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) text = text.slice(1, -1);
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return undefined;
    const port = text.slice(close + 1);
    if (port !== '' && !/^:\d{1,5}$/.test(port)) return undefined;
    return parseIp(text.slice(1, close));
  }
  const v4Port = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(text);
  return parseIp(v4Port?.[1] ?? text);
}

/** The `for=` values of an RFC 7239 Forwarded header, in order; undefined when malformed. */
function forwardedFor(header: string): string[] | undefined {
  const hops: string[] = [];
  for (const element of header.split(',')) {
    let found: string | undefined;
    for (const pair of element.split(';')) {
      const eq = pair.indexOf('=');
      if (eq < 0) {
        if (pair.trim() === '') continue;
        return undefined;
      }
      if (pair.slice(0, eq).trim().toLowerCase() === 'for') found = pair.slice(eq + 1).trim();
    }
    if (found === undefined) return undefined;
    hops.push(found);
  }
  return hops;
}

/**
 * The address of the client: the socket peer, unless the peer is a trusted proxy, in which case the
 * forwarded chain is walked from the right and the first hop that is not itself a trusted proxy wins.
 * A spoofed header from an untrusted peer is ignored; a malformed chain from a trusted proxy is refused.
 */
export function resolveClientAddress(
  headers: IncomingHttpHeaders,
  remoteAddress: string,
  trustedProxies: IpAllowList,
): IpAddress {
  const peer = parsePeer(remoteAddress);
  if (!peer) throw new WardenError('IP_DENIED', 'client address unknown');
  if (trustedProxies.empty || !trustedProxies.contains(peer)) return peer;
  const forwarded = headerText(headers.forwarded);
  const xff = headerText(headers['x-forwarded-for']);
  let hops: string[] | undefined;
  if (forwarded !== undefined) hops = forwardedFor(forwarded);
  else if (xff !== undefined) hops = xff.split(',');
  else return peer;
  if (!hops || hops.length > MAX_FORWARDED_HOPS)
    throw new WardenError('IP_DENIED', 'malformed forwarded header');
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseHop(hops[i] ?? '');
    if (!hop) throw new WardenError('IP_DENIED', 'malformed forwarded header');
    client = hop;
    if (!trustedProxies.contains(hop)) return hop;
  }
  return client;
}
