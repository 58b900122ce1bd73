import { WardenError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { classify, errorResponse, notification, resultResponse } from '../mcp/jsonrpc.js';
import { LATEST_PROTOCOL_VERSION, isSupportedProtocolVersion } from '../mcp/protocol.js';
import { RPC, type JsonRpcId, type JsonRpcRequest, type JsonRpcResponse } from '../mcp/wire.js';
import type { UpstreamTransport } from './transport.js';

/** Most requests from one upstream (sampling, elicitation, roots) relayed at once; more are refused at once. */
export const MAX_INCOMING_REQUESTS = 32;

/** Lifecycle state of an upstream connection. */
export type UpstreamState = 'starting' | 'ready' | 'down' | 'closed';

/** Options of one outgoing request. */
export interface RequestOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** Called with each `notifications/progress` params for this request (the token is Warden's own). */
  onProgress?: ((params: Record<string, unknown>) => void) | undefined;
  /** Opaque owner of the request (the gateway stores the calling session here), for attribution. */
  owner?: unknown;
}

/** Where a server-to-client message came from, so the gateway can route it to the right client. */
export interface MessageOrigin {
  /** Owner of the request the transport says the message belongs to, if it knows. */
  related: unknown;
  /** Owners of every request in flight to this upstream. */
  inflight(): unknown[];
}

/** Options for {@link UpstreamClient}. */
export interface UpstreamClientOptions {
  logger: Logger;
  /** Makes a fresh transport; called at start and on every restart. */
  connect: () => UpstreamTransport;
  /** Handles requests the server sends (sampling, elicitation, roots). Throw a WardenError to refuse. */
  onRequest?: (
    method: string,
    params: Record<string, unknown> | undefined,
    origin: MessageOrigin,
    signal: AbortSignal,
  ) => Promise<Record<string, unknown>>;
  onNotification?: (
    method: string,
    params: Record<string, unknown> | undefined,
    origin: MessageOrigin,
  ) => void;
  onStateChange?: (state: UpstreamState, reason?: string) => void;
  /** Restart after a crash, with exponential backoff and jitter. @default true */
  restart?: boolean;
  clientInfo?: { name: string; version: string };
  capabilities?: Record<string, unknown>;
  defaultTimeoutMs: number;
  /** First restart delay. @default 250 */
  backoffBaseMs?: number;
  /** Longest restart delay. @default 30000 */
  backoffMaxMs?: number;
}

interface Pending {
  resolve: (result: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
  onProgress: ((params: Record<string, unknown>) => void) | undefined;
  owner: unknown;
  method: string;
  cleanup: (() => void) | undefined;
}

/**
 * One MCP client session with an upstream server: initialize handshake, id allocation, timeouts, cancellation,
 * progress, and server-to-client requests. It owns a transport and replaces it after a crash; a crash fails every
 * in-flight request at once.
 */
export class UpstreamClient {
  state: UpstreamState = 'starting';
  serverInfo: Record<string, unknown> | undefined;
  serverCapabilities: Record<string, unknown> = {};
  instructions: string | undefined;
  protocolVersion: string = LATEST_PROTOCOL_VERSION;
  restarts = 0;
  private transport: UpstreamTransport | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Requests the server made of Warden that are still being answered, so the server can cancel them. */
  private readonly incoming = new Map<JsonRpcId, AbortController>();
  private failures = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private stableTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    private readonly options: UpstreamClientOptions,
  ) {}

  /** Connects and initializes; rejects if the first attempt fails (restarts then continue in the background). */
  async start(): Promise<void> {
    try {
      await this.connectOnce();
    } catch (error) {
      this.setState('down', error instanceof Error ? error.message : 'start failed');
      this.scheduleRestart();
      throw error;
    }
  }

  private async connectOnce(): Promise<void> {
    this.setState('starting');
    const transport = this.options.connect();
    this.transport = transport;
    transport.onmessage = (message, related) => this.onMessage(message, related);
    transport.onclose = (reason) => this.onTransportClose(transport, reason);
    try {
      await this.handshake(transport);
    } catch (error) {
      // The next attempt replaces this transport: a failed one must not leave its process or sockets behind.
      void transport.close().catch((closeError: unknown) => {
        this.options.logger.debug({ err: closeError }, 'failed upstream connection did not close');
      });
      throw error;
    }
    this.setState('ready');
    clearTimeout(this.stableTimer);
    // Reset the backoff only after the upstream has stayed up for a while, so a crash loop keeps backing off.
    this.stableTimer = setTimeout(() => (this.failures = 0), 30_000).unref();
  }

  private async handshake(transport: UpstreamTransport): Promise<void> {
    await transport.start();
    const result = await this.sendRequest(
      'initialize',
      {
        protocolVersion: LATEST_PROTOCOL_VERSION,
        capabilities: this.options.capabilities ?? {},
        clientInfo: this.options.clientInfo ?? { name: 'warden', version: '0.1.0' },
      },
      { timeoutMs: Math.min(this.options.defaultTimeoutMs, 30_000) },
    );
    const version = typeof result.protocolVersion === 'string' ? result.protocolVersion : '';
    if (!isSupportedProtocolVersion(version)) {
      throw new WardenError(
        'UPSTREAM_PROTOCOL',
        `upstream ${this.name} offered unsupported protocol version ${version.slice(0, 32)}`,
      );
    }
    this.protocolVersion = version;
    transport.setProtocolVersion?.(version);
    this.serverInfo = isObject(result.serverInfo) ? result.serverInfo : undefined;
    this.serverCapabilities = isObject(result.capabilities) ? result.capabilities : {};
    this.instructions = typeof result.instructions === 'string' ? result.instructions : undefined;
    await transport.send(notification('notifications/initialized'));
  }

  private setState(state: UpstreamState, reason?: string): void {
    if (this.state === 'closed') return;
    this.state = state;
    this.options.onStateChange?.(state, reason);
  }

  private onTransportClose(transport: UpstreamTransport, reason: string): void {
    if (transport !== this.transport || this.state === 'closed') return;
    this.options.logger.warn({ reason }, 'upstream connection lost');
    this.failAll(new WardenError('UPSTREAM_CRASHED', `upstream ${this.name} ${reason}`));
    this.setState('down', reason);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.options.restart === false || this.state === 'closed' || this.restartTimer) return;
    const base = this.options.backoffBaseMs ?? 250;
    const max = this.options.backoffMaxMs ?? 30_000;
    const exp = Math.min(max, base * 2 ** this.failures);
    const delayMs = Math.round(exp / 2 + Math.random() * (exp / 2));
    this.failures++;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.restarts++;
      void this.connectOnce().catch((error: unknown) => {
        this.options.logger.warn({ err: error }, 'upstream restart failed');
        this.setState('down', 'restart failed');
        this.scheduleRestart();
      });
    }, delayMs);
    this.restartTimer.unref();
  }

  private failAll(error: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.cleanup?.();
      p.reject(error);
    }
  }

  /** Sends a request once the upstream is ready. */
  request(
    method: string,
    params: Record<string, unknown> | undefined,
    options: RequestOptions = {},
  ): Promise<Record<string, unknown>> {
    if (this.state !== 'ready') {
      return Promise.reject(
        new WardenError('UPSTREAM_UNAVAILABLE', `upstream ${this.name} is ${this.state}`),
      );
    }
    return this.sendRequest(method, params, options);
  }

  private sendRequest(
    method: string,
    params: Record<string, unknown> | undefined,
    options: RequestOptions,
  ): Promise<Record<string, unknown>> {
    const transport = this.transport;
    if (!transport)
      return Promise.reject(
        new WardenError('UPSTREAM_UNAVAILABLE', `upstream ${this.name} is not connected`),
      );
    const id = this.nextId++;
    let outParams = params;
    if (options.onProgress) {
      const meta = isObject(params?._meta) ? params._meta : {};
      outParams = { ...params, _meta: { ...meta, progressToken: id } };
    }
    const message: JsonRpcRequest =
      outParams === undefined
        ? { jsonrpc: '2.0', id, method }
        : { jsonrpc: '2.0', id, method, params: outParams };
    return new Promise((resolve, reject) => {
      const entry: Pending = {
        resolve,
        reject,
        timer: undefined,
        onProgress: options.onProgress,
        owner: options.owner,
        method,
        cleanup: undefined,
      };
      const timeoutMs = options.timeoutMs ?? this.options.defaultTimeoutMs;
      entry.timer = setTimeout(
        () =>
          this.abandon(
            id,
            new WardenError(
              'UPSTREAM_TIMEOUT',
              `upstream ${this.name} did not answer within ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
      const signal = options.signal;
      if (signal) {
        if (signal.aborted) {
          clearTimeout(entry.timer);
          reject(new WardenError('CANCELLED'));
          return;
        }
        const onAbort = (): void => this.abandon(id, new WardenError('CANCELLED'));
        signal.addEventListener('abort', onAbort, { once: true });
        entry.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.pending.set(id, entry);
      transport.send(message).catch((error: unknown) => {
        if (!this.pending.delete(id)) return;
        transport.release?.(id);
        clearTimeout(entry.timer);
        entry.cleanup?.();
        reject(
          error instanceof WardenError
            ? error
            : new WardenError('UPSTREAM_UNAVAILABLE', `upstream ${this.name} unreachable`, { cause: error }),
        );
      });
    });
  }

  /** Gives up on a request: rejects it locally and tells the upstream to stop working on it. */
  private abandon(id: number, error: WardenError): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    this.transport?.release?.(id);
    clearTimeout(entry.timer);
    entry.cleanup?.();
    entry.reject(error);
    if (entry.method !== 'initialize') {
      const reason = error.code === 'CANCELLED' ? 'cancelled by client' : 'timed out';
      void this.transport
        ?.send(notification('notifications/cancelled', { requestId: id, reason }))
        .catch(() => undefined);
    }
  }

  /** Sends a notification; dropped silently when the upstream is down. */
  notify(method: string, params?: Record<string, unknown>): void {
    if (this.state !== 'ready') return;
    void this.transport?.send(notification(method, params)).catch((error: unknown) => {
      this.options.logger.debug({ err: error }, 'notification not delivered');
    });
  }

  private origin(related: JsonRpcId | undefined): MessageOrigin {
    return {
      related: typeof related === 'number' ? this.pending.get(related)?.owner : undefined,
      inflight: () => [...this.pending.values()].map((p) => p.owner),
    };
  }

  private onMessage(value: unknown, related: JsonRpcId | undefined): void {
    const c = classify(value);
    switch (c.kind) {
      case 'response': {
        const { id } = c.message;
        const entry = typeof id === 'number' ? this.pending.get(id) : undefined;
        if (!entry || typeof id !== 'number') return;
        this.pending.delete(id);
        this.transport?.release?.(id);
        clearTimeout(entry.timer);
        entry.cleanup?.();
        if ('result' in c.message) entry.resolve(c.message.result);
        else
          entry.reject(
            new UpstreamRpcError(c.message.error.code, c.message.error.message, c.message.error.data),
          );
        return;
      }
      case 'notification': {
        const { method, params } = c.message;
        if (method === 'notifications/cancelled') {
          const id = params?.requestId;
          if (typeof id === 'string' || typeof id === 'number') this.incoming.get(id)?.abort();
          return;
        }
        if (method === 'notifications/progress' && params) {
          const token = params.progressToken;
          const entry = typeof token === 'number' ? this.pending.get(token) : undefined;
          entry?.onProgress?.(params);
          return;
        }
        this.options.onNotification?.(method, params, this.origin(related));
        return;
      }
      case 'request':
        void this.answer(c.message, related);
        return;
      case 'invalid':
        this.options.logger.warn({ reason: c.reason }, 'upstream sent an invalid message');
        return;
    }
  }

  private async answer(request: JsonRpcRequest, related: JsonRpcId | undefined): Promise<void> {
    let response: JsonRpcResponse;
    if (request.method === 'ping') {
      response = resultResponse(request.id, {});
    } else if (!this.options.onRequest) {
      response = errorResponse(request.id, RPC.METHOD_NOT_FOUND, 'Method not found');
    } else if (this.incoming.has(request.id)) {
      // A second request under an id in flight would be counted once and take over the first one's cancellation.
      const message = 'DUPLICATE_REQUEST_ID: a request with this id is already in flight';
      response = errorResponse(request.id, RPC.INVALID_REQUEST, message);
    } else if (this.incoming.size >= MAX_INCOMING_REQUESTS) {
      // Each relayed request may wait minutes on a client: a flood would hold memory and swamp the client with it.
      const message = 'CONCURRENCY_LIMITED: too many requests from this upstream in flight';
      response = errorResponse(request.id, RPC.INTERNAL_ERROR, message);
    } else {
      const controller = new AbortController();
      this.incoming.set(request.id, controller);
      try {
        response = resultResponse(
          request.id,
          await this.options.onRequest(
            request.method,
            request.params,
            this.origin(related),
            controller.signal,
          ),
        );
      } catch (error) {
        response =
          error instanceof UpstreamRpcError
            ? errorResponse(request.id, error.code, error.message, error.data)
            : errorResponse(
                request.id,
                error instanceof WardenError && error.code === 'METHOD_NOT_FOUND'
                  ? RPC.METHOD_NOT_FOUND
                  : RPC.INTERNAL_ERROR,
                error instanceof WardenError ? `${error.code}: ${error.message}` : 'internal error',
              );
      } finally {
        this.incoming.delete(request.id);
      }
      // A cancelled request gets no response (MCP cancellation).
      if (controller.signal.aborted) return;
    }
    await this.transport?.send(response).catch((error: unknown) => {
      this.options.logger.debug({ err: error }, 'response to upstream not delivered');
    });
  }

  /** Stops the connection for good (and the process, for stdio). */
  async close(): Promise<void> {
    this.setState('closed');
    this.state = 'closed';
    clearTimeout(this.restartTimer);
    clearTimeout(this.stableTimer);
    this.failAll(new WardenError('SHUTTING_DOWN'));
    await this.transport?.close();
  }
}

/** A JSON-RPC error that an upstream (or a client) returned, relayed unchanged. */
export class UpstreamRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'UpstreamRpcError';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
