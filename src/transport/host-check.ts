import type { ListenAddress } from '../config/index.js';
import { isLoopbackHost } from '../config/index.js';

/** Options for {@link createHostCheck}. */
export interface HostCheckOptions {
  listen: ListenAddress;
  /** The port actually bound (differs from the configured one when it was 0). */
  port: number;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  tls: boolean;
}

/** Decides which Host and Origin headers a listener accepts. */
export interface HostCheck {
  hostAllowed(host: string | undefined): boolean;
  originAllowed(origin: string | undefined): boolean;
}

/**
 * Host and Origin allowlists against DNS rebinding: a page on evil.example that resolves its name to 127.0.0.1
 * still sends `Host: evil.example`, and is refused. Loopback listeners accept their loopback names; any other
 * name must be listed.
 */
export function createHostCheck(options: HostCheckOptions): HostCheck {
  const hosts = new Set<string>();
  const port = String(options.port);
  const add = (h: string): void => {
    hosts.add(`${h}:${port}`.toLowerCase());
    if ((options.tls && port === '443') || (!options.tls && port === '80')) hosts.add(h.toLowerCase());
  };
  const host = options.listen.host.includes(':') ? `[${options.listen.host}]` : options.listen.host;
  if (host !== '0.0.0.0' && host !== '[::]') add(host);
  if (isLoopbackHost(options.listen.host)) for (const h of ['localhost', '127.0.0.1', '[::1]']) add(h);
  for (const h of options.allowedHosts) hosts.add(h.toLowerCase());
  const origins = new Set<string>(options.allowedOrigins.map((o) => o.toLowerCase()));
  const scheme = options.tls ? 'https' : 'http';
  for (const h of hosts) origins.add(`${scheme}://${h}`);
  return {
    hostAllowed: (value) => value !== undefined && hosts.has(value.toLowerCase()),
    originAllowed: (value) => value === undefined || origins.has(value.toLowerCase()),
  };
}

/**
 * The Host of a request when it carried exactly one Host line, else undefined. Node keeps the first of two Host
 * lines and drops the second, while a proxy or cache in front may route by the other one; RFC 9112 §3.2 asks for
 * such a request to be refused.
 */
export function soleHost(rawHeaders: readonly string[]): string | undefined {
  let host: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    // Every request pays for this loop: the length test spares lower-casing the other header names.
    const name = rawHeaders[i] ?? '';
    if (name.length !== 4 || name.toLowerCase() !== 'host') continue;
    if (host !== undefined) return undefined;
    host = rawHeaders[i + 1] ?? '';
  }
  return host;
}
