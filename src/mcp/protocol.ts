/** MCP protocol revisions Warden speaks, newest first. */
export const SUPPORTED_PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'] as const;

/** The revision Warden offers when a client asks for one it does not know. */
export const LATEST_PROTOCOL_VERSION = SUPPORTED_PROTOCOL_VERSIONS[0];

const SUPPORTED = new Set<string>(SUPPORTED_PROTOCOL_VERSIONS);

/** True when Warden speaks `version`. */
export function isSupportedProtocolVersion(version: string): boolean {
  return SUPPORTED.has(version);
}

/** The version to answer an initialize request with: the client's if supported, else the latest. */
export function negotiateProtocolVersion(requested: unknown): string {
  return typeof requested === 'string' && SUPPORTED.has(requested) ? requested : LATEST_PROTOCOL_VERSION;
}
