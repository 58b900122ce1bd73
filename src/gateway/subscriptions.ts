import { WardenError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { UpstreamClient } from '../upstream/index.js';
import type { ClientSession } from './session.js';

/** A URI's first subscription while the upstream has not yet answered it. */
interface Opening {
  /** Sessions to register when it is answered, unless they end (or unsubscribe) first. */
  readonly waiting: Set<ClientSession>;
  readonly answered: Promise<void>;
}

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
  /** First subscriptions on their way: concurrent subscribers of a URI share one upstream request. */
  private readonly openings = new Map<string, Opening>();

  constructor(
    private readonly ownerOf: (uri: string) => UpstreamClient | undefined,
    private readonly logger: Logger,
  ) {}

  /**
   * Registers `session` for updates of `uri` (already allowed by policy), asking `client` for the first one. A
   * session that ends while the upstream answers is not registered, and the upstream is unsubscribed again when
   * nobody is left to follow the URI.
   */
  async add(session: ClientSession, uri: string, client: UpstreamClient): Promise<void> {
    if (this.sources.has(uri)) {
      this.register(session, uri);
      return;
    }
    const opening = this.openings.get(uri) ?? this.open(uri, client);
    opening.waiting.add(session);
    await opening.answered;
    if (session.closed) throw new WardenError('SESSION_NOT_FOUND', 'client session closed');
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

  /** Sends a URI's first subscription upstream; on the answer, registers whoever still waits for it. */
  private open(uri: string, client: UpstreamClient): Opening {
    const waiting = new Set<ClientSession>();
    const answered = client.request('resources/subscribe', { uri }).then(
      () => {
        this.openings.delete(uri);
        this.sources.set(uri, client);
        for (const session of waiting) if (!session.closed) this.register(session, uri);
        if (!this.subscribers.has(uri)) this.release(uri);
      },
      (error: unknown) => {
        this.openings.delete(uri);
        throw error;
      },
    );
    const opening: Opening = { waiting, answered };
    this.openings.set(uri, opening);
    return opening;
  }

  private register(session: ClientSession, uri: string): void {
    let set = this.subscribers.get(uri);
    if (!set) {
      set = new Set<ClientSession>();
      this.subscribers.set(uri, set);
    }
    set.add(session);
    session.subscriptions.add(uri);
  }

  private leave(session: ClientSession, uri: string): void {
    this.openings.get(uri)?.waiting.delete(session);
    session.subscriptions.delete(uri);
    const set = this.subscribers.get(uri);
    if (!set?.delete(session) || set.size > 0) return;
    this.subscribers.delete(uri);
    this.release(uri);
  }

  /** Unsubscribes the upstream from a URI nobody follows any more. */
  private release(uri: string): void {
    const source = this.sources.get(uri);
    this.sources.delete(uri);
    void source
      ?.request('resources/unsubscribe', { uri })
      .catch((error: unknown) => this.logger.debug({ err: error }, 'unsubscribe failed'));
  }
}
