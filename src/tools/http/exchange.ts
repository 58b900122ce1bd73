import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WardenError } from '../../errors/index.js';
import { connectGuarded, type AddressAllowList, type Resolver } from '../../net/index.js';
import { MAX_RESPONSE_HEADER_BYTES } from './limits.js';
import type { Hop } from './redirect.js';
import type { FetchTarget } from './target.js';

/** What one exchange needs besides the hop itself. */
export interface ExchangeOptions {
  allow: AddressAllowList;
  resolve?: Resolver;
  signal: AbortSignal;
}

/**
 * Sends one request over a guarded connection and resolves with the response head. node:http is used directly
 * with its own connection per request: no global agent or dispatcher, and no proxy environment variable, is consulted.
 */
export function exchange(hop: Hop, target: FetchTarget, options: ExchangeOptions): Promise<IncomingMessage> {
  return new Promise<IncomingMessage>((resolve, reject) => {
    const headers: Record<string, string> = { host: target.url.host, ...Object.fromEntries(hop.headers) };
    if (hop.body !== undefined) headers['content-length'] = String(Buffer.byteLength(hop.body, 'utf8'));
    const req = httpRequest({
      host: target.host,
      port: target.port,
      path: `${target.url.pathname}${target.url.search}`,
      method: hop.method,
      headers,
      setHost: false,
      signal: options.signal,
      insecureHTTPParser: false,
      maxHeaderSize: MAX_RESPONSE_HEADER_BYTES,
      createConnection: (_args, oncreate) => {
        connectGuarded({
          host: target.host,
          port: target.port,
          tls: target.tls,
          allow: options.allow,
          signal: options.signal,
          ...(options.resolve ? { resolve: options.resolve } : {}),
        }).then(
          (socket) => oncreate(null, socket),
          (error: unknown) => {
            const failure =
              error instanceof Error ? error : new WardenError('HTTP_FAILED', undefined, { cause: error });
            // node:http ignores the socket argument when an error is given.
            oncreate(failure, undefined as unknown as Duplex);
          },
        );
        return undefined;
      },
    });
    req.once('response', resolve);
    req.once('error', reject);
    // A server answering "101 Switching Protocols" with Upgrade makes node:http drop the socket without a
    // 'response' or 'error', and the destroyed request then ignores the abort signal: without this the fetch
    // would never settle, deadline or not. After 'response' or 'error' this is a no-op.
    req.once('close', () => reject(new WardenError('HTTP_FAILED', 'connection closed without a response')));
    req.end(hop.body);
  });
}
