import { WardenError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { notification } from '../mcp/jsonrpc.js';
import type { MessageOrigin } from '../upstream/index.js';
import { passesLevel } from './log-level.js';
import { attribute } from './owner.js';
import type { ClientSession } from './session.js';

/** Client capability each server-to-client request needs. */
const REQUEST_CAPABILITY: Record<string, string> = {
  'sampling/createMessage': 'sampling',
  'elicitation/create': 'elicitation',
  'roots/list': 'roots',
};

/** Relays a request from an upstream (sampling, elicitation, roots) to the client whose call caused it. */
export async function relayRequest(
  upstream: string,
  method: string,
  params: Record<string, unknown> | undefined,
  origin: MessageOrigin,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  const capability = REQUEST_CAPABILITY[method];
  if (capability === undefined)
    throw new WardenError('METHOD_NOT_FOUND', `Warden does not relay ${method.slice(0, 64)}`);
  const owner = attribute(origin);
  if (!owner) {
    if (method === 'roots/list') return { roots: [] };
    throw new WardenError(
      'REQUEST_NOT_ATTRIBUTABLE',
      `cannot tell which client ${upstream}'s ${method} belongs to`,
    );
  }
  if (!owner.session.can(capability)) {
    if (method === 'roots/list') return { roots: [] };
    throw new WardenError('CLIENT_CAPABILITY_MISSING', `the client does not support ${capability}`);
  }
  return owner.session.request(method, params, owner.requestId, signal);
}

/** What the relay needs from the gateway to handle upstream notifications. */
export interface NotificationSinks {
  logger: Logger;
  sessions(): Iterable<ClientSession>;
  /** The upstream a subscribed URI was subscribed at. */
  subscriptionSource(uri: string): string | undefined;
  listChanged(upstream: string, kind: 'tools' | 'prompts' | 'resources'): void;
}

/** Relays a notification from an upstream to the client (or clients) it concerns. */
export function relayNotification(
  sinks: NotificationSinks,
  upstream: string,
  method: string,
  params: Record<string, unknown> | undefined,
  origin: MessageOrigin,
): void {
  switch (method) {
    case 'notifications/tools/list_changed':
      return sinks.listChanged(upstream, 'tools');
    case 'notifications/prompts/list_changed':
      return sinks.listChanged(upstream, 'prompts');
    case 'notifications/resources/list_changed':
      return sinks.listChanged(upstream, 'resources');
    case 'notifications/resources/updated': {
      const uri = params?.uri;
      // Only the upstream the subscription went to speaks for the URI: another could otherwise make up updates
      // of a resource it does not serve, to prompt its subscribers into reading it again.
      if (typeof uri !== 'string' || sinks.subscriptionSource(uri) !== upstream) return;
      for (const session of sinks.sessions())
        if (session.subscriptions.has(uri)) session.channel.send(notification(method, params));
      return;
    }
    case 'notifications/cancelled':
      // Upstream request ids are not the client's; a relayed cancel would name the wrong request.
      return;
    default: {
      const owner = attribute(origin);
      if (!owner) {
        sinks.logger.debug({ upstream, method }, 'unattributable upstream notification not relayed');
        return;
      }
      if (method === 'notifications/message' && !passesLevel(owner.session, params?.level)) return;
      owner.session.channel.send(notification(method, params), owner.requestId);
    }
  }
}
