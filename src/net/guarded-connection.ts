import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { WardenError } from '../errors/index.js';
import { isForbiddenAddress } from './address-policy.js';
import type { AddressAllowList } from './allow-list.js';
import { createSafeLookup, type Resolver } from './safe-lookup.js';

/** Options of {@link connectGuarded}. */
export interface ConnectGuardedOptions {
  /** Host name or literal address (IPv6 with or without brackets). */
  host: string;
  port: number;
  /** Wrap the checked TCP connection in TLS (certificate and name verified against `host`). */
  tls: boolean;
  allow: AddressAllowList;
  resolve?: Resolver;
  signal?: AbortSignal;
}

function bare(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new WardenError('CANCELLED');
}

/**
 * Opens a TCP (optionally TLS) connection only to an allowed address: literals are checked before connecting,
 * names through a checking `lookup`, and the peer address once more when TCP connects, before any byte is sent.
 */
export function connectGuarded(options: ConnectGuardedOptions): Promise<Socket> {
  const host = bare(options.host);
  const target = { host, port: options.port };
  return new Promise<Socket>((resolve, reject) => {
    if (options.signal?.aborted === true) return reject(abortError(options.signal));
    if (isIP(host) !== 0 && isForbiddenAddress(host, options.allow, target)) {
      return reject(new WardenError('HTTP_ADDRESS_DENIED'));
    }
    const lookup = createSafeLookup({
      allow: options.allow,
      port: options.port,
      ...(options.resolve ? { resolve: options.resolve } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const socket = netConnect({ host, port: options.port, lookup });
    let current: Socket = socket;
    const onAbort = (): void => fail(options.signal === undefined ? undefined : abortError(options.signal));
    function cleanup(): void {
      options.signal?.removeEventListener('abort', onAbort);
      current.removeListener('error', fail);
    }
    function fail(error: unknown): void {
      cleanup();
      current.destroy();
      socket.destroy();
      reject(error instanceof Error ? error : new WardenError('HTTP_FAILED', undefined, { cause: error }));
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', fail);
    // Registered before any write is queued, so a refused peer never receives request bytes.
    socket.once('connect', () => {
      const remote = socket.remoteAddress;
      if (remote === undefined || isForbiddenAddress(remote, options.allow, target)) {
        fail(new WardenError('HTTP_ADDRESS_DENIED'));
        return;
      }
      if (!options.tls) {
        cleanup();
        resolve(socket);
        return;
      }
      socket.removeListener('error', fail);
      const name = host.endsWith('.') ? host.slice(0, -1) : host;
      const secure = tlsConnect({
        socket,
        host: name,
        ...(isIP(name) === 0 ? { servername: name } : {}),
        ALPNProtocols: ['http/1.1'],
      });
      current = secure;
      secure.once('error', fail);
      secure.once('secureConnect', () => {
        cleanup();
        resolve(secure);
      });
    });
  });
}
