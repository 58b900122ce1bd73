import type { JsonRpcId } from '../mcp/wire.js';
import type { MessageOrigin } from '../upstream/index.js';
import type { ClientSession } from './session.js';

/** The client request on whose behalf Warden sent a request upstream. */
export interface CallOwner {
  session: ClientSession;
  requestId: JsonRpcId;
}

function isCallOwner(value: unknown): value is CallOwner {
  return typeof value === 'object' && value !== null && 'session' in value && 'requestId' in value;
}

/**
 * Decides which client a server-to-client message belongs to. The transport's own association wins (Streamable
 * HTTP puts a call's messages on that call's stream); otherwise the message is attributed only when every call in
 * flight to that upstream belongs to one session. Anything else is ambiguous and is not delivered, so that one
 * client never receives another client's sampling request or log line.
 */
export function attribute(origin: MessageOrigin): CallOwner | undefined {
  if (isCallOwner(origin.related)) return origin.related.session.closed ? undefined : origin.related;
  let found: CallOwner | undefined;
  for (const owner of origin.inflight()) {
    if (!isCallOwner(owner)) continue;
    if (found && found.session !== owner.session) return undefined;
    found = owner;
  }
  return found && !found.session.closed ? found : undefined;
}
