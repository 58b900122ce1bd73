import { WardenError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { UpstreamClient } from '../upstream/index.js';
import type { ClientSession } from './session.js';

/**
 * Resource subscriptions of every client, reference-counted per URI: the upstream is subscribed once for the
 * first client and unsubscribed after the last one leaves (or its session ends). Only sessions registered here
 * receive a URI's `notifications/resources/updated` (relay.ts), and only an allowed resources/subscribe
 * registers one (forward.ts decides it like a read of the URI).
 */
export class Subscriptions {
  private readonly subscribers = new Map<string, Set<ClientSession>>();
  /**
   * The upstream each subscribed URI was subscribed at: the only one whose updates of it are relayed, and the one
   * unsubscribed when its last follower leaves (even if a later listing moved the URI elsewhere).
   */
  private readonly sources = new Map<string, UpstreamClient>();

  constructor(
    private readonly ownerOf: (uri: string) => UpstreamClient | undefined,
    private readonly logger: Logger,
  ) {}

  /** Registers `session` for updates of `uri` (already allowed by policy), asking `client` for the first one. */
  async add(session: ClientSession, uri: string, client: UpstreamClient): Promise<void> {
    const set = this.subscribers.get(uri) ?? new Set<ClientSession>();
    if (set.size === 0) {
      await client.request('resources/subscribe', { uri });
      this.sources.set(uri, client);
    }
    set.add(session);
    this.subscribers.set(uri, set);
    session.subscriptions.add(uri);
  }

  /**
   * Handles resources/unsubscribe. Not decided by policy: it only removes the caller's own registration, grants
   * nothing, and must stay possible for a session whose subscription policy would no longer allow.
   */
  remove(session: ClientSession, uri: unknown): Record<string, unknown> {
    if (typeof uri !== 'string' || uri.length === 0)
      throw new WardenError('INVALID_PARAMS', 'uri must be a string');
    if (!this.ownerOf(uri)) throw new WardenError('UNKNOWN_RESOURCE', 'no upstream serves this resource');
    this.leave(session, uri);
    return {};
  }

  /** The upstream `uri` is subscribed at, if any client follows it. */
  sourceOf(uri: string): string | undefined {
    return this.sources.get(uri)?.name;
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
    const source = this.sources.get(uri);
    this.sources.delete(uri);
    void source
      ?.request('resources/unsubscribe', { uri })
      .catch((error: unknown) => this.logger.debug({ err: error }, 'unsubscribe failed'));
  }
}
