import { WardenError } from '../errors/index.js';
import { negotiateProtocolVersion } from '../mcp/protocol.js';
import type { ClientSession } from './session.js';

/** Warden's own name and version, as sent in initialize. */
export const SERVER_INFO = { name: 'warden', title: 'Warden MCP security gateway', version: '0.1.0' };

/** What Warden offers every client, whatever its upstreams offer (it aggregates and relays all of it). */
const SERVER_CAPABILITIES = {
  tools: { listChanged: true },
  prompts: { listChanged: true },
  resources: { subscribe: true, listChanged: true },
  logging: {},
  completions: {},
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Answers `initialize`: negotiates the protocol version and records what the client can do. */
export function initializeSession(
  session: ClientSession,
  params: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (session.protocolVersion) throw new WardenError('INVALID_REQUEST', 'session already initialized');
  session.protocolVersion = negotiateProtocolVersion(params?.protocolVersion);
  session.clientCapabilities = isObject(params?.capabilities) ? params.capabilities : {};
  session.clientInfo = isObject(params?.clientInfo) ? params.clientInfo : undefined;
  return {
    protocolVersion: session.protocolVersion,
    capabilities: SERVER_CAPABILITIES,
    serverInfo: SERVER_INFO,
    instructions:
      'Warden is a security gateway: calls are authenticated, checked against policy and audited.',
  };
}
