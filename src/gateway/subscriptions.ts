import { WardenError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { UpstreamClient } from '../upstream/index.js';
import type { ClientSession } from './session.js';

/**
 * Resource subscriptions of every client, reference-counted per URI: the upstream is subscribed once for the
 * first client and unsubscribed after the last one leaves (or its session ends).
 */
export class Subscriptions {
  private readonly subscribers = new Map<string, Set<ClientSession>>();

  constructor(
    private readonly ownerOf: (uri: string) => UpstreamClient | undefined,
    private readonly logger: Logger,
  ) {}

  /** Handles resources/subscribe (`subscribe` true) and resources/unsubscribe for one client. */
  async change(session: ClientSession, subscribe: boolean, uri: unknown): Promise<Record<string, unknown>> {
    if (typeof uri !== 'string' || uri.length === 0)
      throw new WardenError('INVALID_PARAMS', 'uri must be a string');
    const client = this.ownerOf(uri);
    if (!client) throw new WardenError('UNKNOWN_RESOURCE', 'no upstream serves this resource');
    if (!subscribe) {
      this.leave(session, uri);
      return {};
    }
    const set = this.subscribers.get(uri) ?? new Set<ClientSession>();
    if (set.size === 0) await client.request('resources/subscribe', { uri });
    set.add(session);
    this.subscribers.set(uri, set);
    session.subscriptions.add(uri);
    return {};
  }

  /** Drops every subscription of a session that ended. */
  drop(session: ClientSession): void {
    for (const uri of [...session.subscriptions]) this.leave(session, uri);
  }

  private leave(session: ClientSession, uri: string): void {
    session.subscriptions.delete(uri);
    const set = this.subscribers.get(uri);
    if (!set?.delete(session) || set.size > 0) return;
    this.subscribers.delete(uri);
    void this.ownerOf(uri)
      ?.request('resources/unsubscribe', { uri })
      .catch((error: unknown) => this.logger.debug({ err: error }, 'unsubscribe failed'));
  }
}
