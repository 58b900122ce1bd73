import { isIP } from 'node:net';

/** A parsed `host:port` listen address. */
export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * Parses `host:port`, `[v6]:port` or `:port` (which means 127.0.0.1, never all interfaces). `localhost` binds
 * 127.0.0.1: it counts as loopback, so what it binds must not depend on what the resolver or /etc/hosts says.
 */
export function parseListenAddress(text: string): ListenAddress | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  if (!match) return undefined;
  const named = match[2]?.toLowerCase();
  const host = match[1] ?? (named === '' || named === 'localhost' ? '127.0.0.1' : match[2]);
  const port = Number(match[3]);
  if (host === undefined || port > 65535) return undefined;
  if (match[1] !== undefined && isIP(host) !== 6) return undefined;
  return { host, port };
}

/** True when `host` can only be reached from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '[::1]') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h.startsWith('::ffff:127.');
}
