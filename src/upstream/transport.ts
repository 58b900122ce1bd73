import type { JsonRpcId, JsonRpcMessage } from '../mcp/wire.js';

/**
 * A raw message pipe to one upstream server. It moves JSON-RPC messages; the protocol (ids, initialize,
 * timeouts) lives in `UpstreamClient`.
 */
export interface UpstreamTransport {
  start(): Promise<void>;
  /** Sends one message; rejects when it could not be delivered (the client fails the request at once). */
  send(message: JsonRpcMessage): Promise<void>;
  close(): Promise<void>;
  /** A parsed JSON value from the server; `relatedRequestId` is set when the transport knows which request it belongs to. */
  onmessage?: (message: unknown, relatedRequestId?: JsonRpcId) => void;
  /** The connection ended (process exit, session gone); not called after `close()`. */
  onclose?: (reason: string) => void;
  /** The session id the server assigned, for transports that have one. */
  readonly sessionId?: string | undefined;
  /** The client waits no longer for this request (answered, timed out, cancelled): free what carries it. */
  release?(requestId: JsonRpcId): void;
  /** Tells the transport which protocol version was negotiated (HTTP sends it as a header). */
  setProtocolVersion?(version: string): void;
}
