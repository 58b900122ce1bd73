import { randomBytes } from 'node:crypto';
import { WardenError } from '../errors/index.js';
import type { JsonRpcId, JsonRpcMessage, JsonRpcResponse } from '../mcp/wire.js';
import type { Principal } from '../policy/principal.js';
import { UpstreamRpcError } from '../upstream/index.js';

/** How a session's messages reach its client. */
export interface SessionChannel {
  /**
   * Sends a message to the client. `related` is the id of the client request the message belongs to (progress,
   * logging, sampling during a call), so that HTTP can put it on that request's stream. False when dropped.
   */
  send(message: JsonRpcMessage, related?: JsonRpcId): boolean;
}

/** Longest Warden waits for a client to answer a request it relayed (sampling, elicitation). */
export const CLIENT_REQUEST_TIMEOUT_MS = 10 * 60_000;

interface Outgoing {
  resolve: (result: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * An AbortController made only when someone asks for its signal: most calls finish without anyone listening,
 * and an AbortController with its signal costs several microseconds to make. Aborting before the signal exists
 * hands out an already aborted signal.
 */
export class LazyAbortController {
  private controller: AbortController | undefined;
  private aborted = false;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort();
    }
    return this.controller.signal;
  }

  abort(): void {
    this.aborted = true;
    this.controller?.abort();
  }
}

/** One connected MCP client: its identity, negotiated protocol, in-flight calls and the requests Warden made of it. */
export class ClientSession {
  readonly id = randomBytes(16).toString('hex');
  protocolVersion = '';
  clientCapabilities: Record<string, unknown> = {};
  clientInfo: Record<string, unknown> | undefined;
  initialized = false;
  logLevel: string | undefined;
  lastActiveMs = Date.now();
  readonly inflight = new Map<JsonRpcId, LazyAbortController>();
  readonly subscriptions = new Set<string>();
  private readonly outgoing = new Map<string, Outgoing>();
  private nextOutgoing = 1;
  closed = false;

  constructor(
    readonly principal: Principal,
    readonly transport: 'http' | 'stdio',
    public channel: SessionChannel,
    readonly clientAddress: string | undefined,
  ) {}

  /** True when the client declared `capability` (e.g. "sampling", "elicitation", "roots") at initialize. */
  can(capability: string): boolean {
    return this.clientCapabilities[capability] !== undefined && this.clientCapabilities[capability] !== null;
  }

  /** Sends a request to the client and waits for its answer. */
  request(
    method: string,
    params: Record<string, unknown> | undefined,
    related: JsonRpcId | undefined,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown>> {
    if (this.closed) return Promise.reject(new WardenError('SESSION_NOT_FOUND', 'client session closed'));
    const id = `w${this.nextOutgoing++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.settle(id, new WardenError('TIMEOUT', `client did not answer ${method}`)),
        CLIENT_REQUEST_TIMEOUT_MS,
      );
      timer.unref();
      this.outgoing.set(id, { resolve, reject, timer });
      signal?.addEventListener(
        'abort',
        () => {
          if (this.outgoing.has(id)) {
            this.channel.send(
              {
                jsonrpc: '2.0',
                method: 'notifications/cancelled',
                params: { requestId: id, reason: 'cancelled upstream' },
              },
              related,
            );
            this.settle(id, new WardenError('CANCELLED'));
          }
        },
        { once: true },
      );
      const message =
        params === undefined
          ? { jsonrpc: '2.0' as const, id, method }
          : { jsonrpc: '2.0' as const, id, method, params };
      if (!this.channel.send(message, related))
        this.settle(id, new WardenError('CLIENT_CAPABILITY_MISSING', 'no open stream to the client'));
    });
  }

  /** Delivers a client's response to a request Warden made; false if no such request is pending. */
  handleResponse(response: JsonRpcResponse): boolean {
    if (typeof response.id !== 'string') return false;
    const entry = this.outgoing.get(response.id);
    if (!entry) return false;
    this.outgoing.delete(response.id);
    clearTimeout(entry.timer);
    if ('result' in response) entry.resolve(response.result);
    else entry.reject(new UpstreamRpcError(response.error.code, response.error.message, response.error.data));
    return true;
  }

  private settle(id: string, error: Error): void {
    const entry = this.outgoing.get(id);
    if (!entry) return;
    this.outgoing.delete(id);
    clearTimeout(entry.timer);
    entry.reject(error);
  }

  /** Ends the session: aborts its calls and fails its pending requests. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const controller of this.inflight.values()) controller.abort();
    for (const id of [...this.outgoing.keys()])
      this.settle(id, new WardenError('SESSION_NOT_FOUND', 'client session closed'));
  }
}
