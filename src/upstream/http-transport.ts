import type {
  Agent as HttpAgent,
  request as httpRequest,
  ClientRequest,
  IncomingMessage,
  OutgoingHttpHeaders,
} from 'node:http';
import { WardenError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { EMPTY_ALLOW_LIST, type AddressAllowList, type Resolver } from '../net/index.js';
import { exceedsDepth } from '../mcp/jsonrpc.js';
import { CORRELATION_META_KEY, type JsonRpcId, type JsonRpcMessage } from '../mcp/wire.js';
import { SseParser, type SseEvent } from './sse-parser.js';
import type { UpstreamTransport } from './transport.js';
import { createUpstreamAgent } from './upstream-agent.js';

/** Default wait before reconnecting a dropped event stream when the server named none. */
export const DEFAULT_SSE_RETRY_MS = 1000;
/** Most reconnect attempts for one interrupted response stream. */
export const MAX_RESUME_ATTEMPTS = 5;
/** Longest wait for an upstream to accept a notification or a response, end a session, or open a GET stream. */
export const ACK_TIMEOUT_MS = 10_000;
/** Most HTTP exchanges with one upstream that may be unfinished (open or queued) at once; more fail at once. */
export const MAX_OPEN_EXCHANGES = 1024;
/** How long a request's stream may stay open once the client no longer waits for it. */
export const RELEASE_GRACE_MS = 1000;
const MAX_RETRY_MS = 30_000;
const MAX_JSON_BODY_BYTES = 64 * 1024 * 1024;

/** Options for {@link StreamableHttpTransport}. */
export interface StreamableHttpTransportOptions {
  /** The upstream's key under `upstreams`, named in connection errors. */
  name: string;
  url: string;
  /**
   * Special-purpose addresses (loopback, private, link-local...) that a host name in `url` may resolve to; an
   * address or `localhost` in `url` connects as written. @default none
   */
  allow?: AddressAllowList | undefined;
  /** Name resolution; tests inject one. @default the system resolver */
  resolve?: Resolver | undefined;
  headers: Record<string, string>;
  logger: Logger;
  /** Longest wait for the upstream to accept what is not a request (see ACK_TIMEOUT_MS). @default ACK_TIMEOUT_MS */
  ackTimeoutMs?: number | undefined;
}

interface ExchangeOptions {
  body?: string | undefined;
  /** The request this exchange carries: releasing the request ends the exchange. */
  carries?: JsonRpcId | undefined;
  /** Ends the exchange unless its answer has begun (`headers`) or been read to its end (`end`) in time. */
  deadline?: 'headers' | 'end' | undefined;
}

/**
 * The client side of MCP's Streamable HTTP transport: each message is a POST whose reply is JSON or an event
 * stream; messages on a request's stream are reported as related to that request; interrupted streams are
 * resumed with GET and Last-Event-ID; a GET stream carries server-initiated messages.
 */
export class StreamableHttpTransport implements UpstreamTransport {
  onmessage?: (message: unknown, relatedRequestId?: JsonRpcId) => void;
  onclose?: (reason: string) => void;
  sessionId: string | undefined;
  private protocolVersion: string | undefined;
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly send_: typeof httpRequest;
  private closed = false;
  private retryMs = DEFAULT_SSE_RETRY_MS;
  private readonly open = new Set<IncomingMessage>();
  /** The exchange now carrying each request the client still waits for (its POST, or a GET resuming it). */
  private readonly carriers = new Map<JsonRpcId, ClientRequest>();
  private openExchanges = 0;
  private getStreamStarted = false;
  private readonly ackTimeoutMs: number;

  constructor(private readonly options: StreamableHttpTransportOptions) {
    this.url = new URL(options.url);
    const { agent, request } = createUpstreamAgent(this.url, {
      name: options.name,
      allow: options.allow ?? EMPTY_ALLOW_LIST,
      resolve: options.resolve,
    });
    this.agent = agent;
    this.send_ = request;
    this.ackTimeoutMs = options.ackTimeoutMs ?? ACK_TIMEOUT_MS;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
  }

  private headers(extra: OutgoingHttpHeaders): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = { ...this.options.headers, ...extra };
    if (this.sessionId) headers['mcp-session-id'] = this.sessionId;
    if (this.protocolVersion) headers['mcp-protocol-version'] = this.protocolVersion;
    return headers;
  }

  private exchange(
    method: string,
    headers: OutgoingHttpHeaders,
    options: ExchangeOptions = {},
  ): Promise<IncomingMessage> {
    // Each unfinished exchange holds memory, and a socket once it has one: a server that never answers (say, the
    // responses to its own flood of pings) would otherwise grow the agent's queue until memory runs out.
    if (this.openExchanges >= MAX_OPEN_EXCHANGES)
      return Promise.reject(
        new WardenError('UPSTREAM_UNAVAILABLE', 'too many unfinished requests to upstream'),
      );
    return new Promise((resolve, reject) => {
      const req = this.send_(
        this.url,
        { method, headers: this.headers(headers), agent: this.agent },
        resolve,
      );
      this.openExchanges++;
      if (options.carries !== undefined) this.carriers.set(options.carries, req);
      const timer =
        options.deadline === undefined
          ? undefined
          : setTimeout(() => {
              const message = `upstream did not answer within ${this.ackTimeoutMs} ms`;
              req.destroy(new WardenError('UPSTREAM_TIMEOUT', message));
            }, this.ackTimeoutMs);
      if (options.deadline === 'headers') req.once('response', () => clearTimeout(timer));
      req.once('error', (error) =>
        reject(
          error instanceof WardenError
            ? error
            : new WardenError('UPSTREAM_UNAVAILABLE', 'upstream HTTP request failed', { cause: error }),
        ),
      );
      req.once('close', () => {
        this.openExchanges--;
        clearTimeout(timer);
        reject(new WardenError('UPSTREAM_UNAVAILABLE', 'upstream HTTP request ended without an answer'));
      });
      req.end(options.body);
    });
  }

  /** Ends what still carries a request the client gave up on or has its answer to, after RELEASE_GRACE_MS. */
  release(requestId: JsonRpcId): void {
    const req = this.carriers.get(requestId);
    this.carriers.delete(requestId);
    // A finished keep-alive request is marked destroyed; its socket already serves another request.
    if (!req || req.destroyed) return;
    // The server should end a request's stream once it has answered; one left open would hold a socket for good.
    const timer = setTimeout(() => req.destroy(), RELEASE_GRACE_MS).unref();
    req.once('close', () => clearTimeout(timer));
  }

  async send(message: JsonRpcMessage): Promise<void> {
    if (this.closed) throw new WardenError('UPSTREAM_UNAVAILABLE', 'upstream connection closed');
    const body = JSON.stringify(message);
    const headers: OutgoingHttpHeaders = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'content-length': Buffer.byteLength(body),
    };
    const correlationId = 'params' in message ? message.params?._meta : undefined;
    if (
      typeof correlationId === 'object' &&
      correlationId !== null &&
      CORRELATION_META_KEY in correlationId
    ) {
      const id = (correlationId as Record<string, unknown>)[CORRELATION_META_KEY];
      if (typeof id === 'string') headers['x-request-id'] = id;
    }
    const requestId = 'method' in message && 'id' in message ? message.id : undefined;
    const res = await this.exchange(
      'POST',
      headers,
      requestId === undefined ? { body, deadline: 'end' } : { body, carries: requestId },
    );
    const isInitialize = 'method' in message && message.method === 'initialize';
    const session = res.headers['mcp-session-id'];
    if (isInitialize && typeof session === 'string') this.sessionId = session;
    if (res.statusCode === 404 && this.sessionId && !isInitialize) {
      res.resume();
      this.fail('upstream session expired');
      throw new WardenError('UPSTREAM_UNAVAILABLE', 'upstream session expired');
    }
    // Only 200 and 202 are answers here: a redirect is not followed, and a 101 switches to nothing Warden speaks.
    if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode >= 300) {
      res.resume();
      throw new WardenError('UPSTREAM_ERROR', `upstream answered HTTP ${res.statusCode ?? 0}`);
    }
    // The standalone GET stream carries what the server sends outside a request (elicitation, list changes); it
    // opens once the session is initialized, whatever the notification itself was answered with.
    if (!this.getStreamStarted && 'method' in message && message.method === 'notifications/initialized') {
      this.getStreamStarted = true;
      void this.openGetStream(undefined, undefined, 0);
    }
    // A notification or a response is answered with 202 and no body (MCP Streamable HTTP): a body is drained,
    // never read as messages, so a server cannot turn each of Warden's answers into another stream to hold.
    if (res.statusCode === 202 || requestId === undefined) {
      res.resume();
      return;
    }
    const type = String(res.headers['content-type'] ?? '');
    if (type.startsWith('text/event-stream')) {
      this.readStream(res, requestId, 0);
    } else if (type.startsWith('application/json')) {
      this.onmessageBatch(await readJson(res), requestId);
    } else {
      res.resume();
    }
  }

  private onmessageBatch(value: unknown, related: JsonRpcId | undefined): void {
    if (Array.isArray(value)) for (const item of value) this.onmessage?.(item, related);
    else this.onmessage?.(value, related);
  }

  /** Reads an event stream; if it ends while the client still waits for `requestId`, resumes it. */
  private readStream(res: IncomingMessage, requestId: JsonRpcId | undefined, attempt: number): void {
    this.open.add(res);
    const parser = new SseParser((event: SseEvent) => {
      if (event.retryMs !== undefined) this.retryMs = event.retryMs;
      if (event.event !== 'message' || event.data === '') return;
      const value = this.parseEvent(event.data);
      if (value !== undefined) this.onmessageBatch(value, requestId);
    });
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      try {
        parser.feed(chunk);
      } catch (error) {
        this.options.logger.warn({ err: error }, 'upstream event stream broken');
        res.destroy();
      }
    });
    res.once('close', () => {
      this.open.delete(res);
      if (this.closed) return;
      const lastEventId = parser.lastEventId;
      if (requestId === undefined) {
        // The standalone GET stream: keep one open while the connection lives.
        void this.openGetStream(lastEventId, undefined, attempt + 1);
      } else if (this.carriers.has(requestId) && lastEventId !== undefined && attempt < MAX_RESUME_ATTEMPTS) {
        void this.openGetStream(lastEventId, requestId, attempt + 1);
      }
    });
  }

  /** One event's data as a JSON value, or undefined (logged) when it is not one Warden accepts. */
  private parseEvent(data: string): unknown {
    // Deeper values would overflow the stack of whatever serialises them later.
    if (exceedsDepth(data)) {
      this.options.logger.warn('upstream sent an event nested too deeply; dropped');
      return undefined;
    }
    try {
      return JSON.parse(data);
    } catch {
      this.options.logger.warn('upstream sent a non-JSON event');
      return undefined;
    }
  }

  private async openGetStream(
    lastEventId: string | undefined,
    requestId: JsonRpcId | undefined,
    attempt: number,
  ): Promise<void> {
    if (attempt > 0) await delay(Math.min(this.retryMs * 2 ** (attempt - 1), MAX_RETRY_MS));
    if (this.closed || attempt > MAX_RESUME_ATTEMPTS * 4) return;
    if (requestId !== undefined && !this.carriers.has(requestId)) return;
    const headers: OutgoingHttpHeaders = { accept: 'text/event-stream' };
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    let res: IncomingMessage;
    try {
      res = await this.exchange('GET', headers, { carries: requestId, deadline: 'headers' });
    } catch (error) {
      this.options.logger.debug({ err: error }, 'upstream GET stream failed');
      if (requestId !== undefined) void this.openGetStream(lastEventId, requestId, attempt + 1);
      return;
    }
    if (
      res.statusCode !== 200 ||
      !String(res.headers['content-type'] ?? '').startsWith('text/event-stream')
    ) {
      res.resume();
      return;
    }
    this.readStream(res, requestId, attempt);
  }

  private fail(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const res of this.open) res.destroy();
    this.agent.destroy();
    this.onclose?.(reason);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const res of this.open) res.destroy();
    if (this.sessionId) {
      try {
        const res = await this.exchange('DELETE', {}, { deadline: 'end' });
        res.resume();
      } catch (error) {
        this.options.logger.debug({ err: error }, 'upstream session DELETE failed');
      }
    }
    this.agent.destroy();
  }
}

function readJson(res: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_JSON_BODY_BYTES) {
        res.destroy();
        reject(new WardenError('UPSTREAM_PROTOCOL', 'upstream response too large'));
        return;
      }
      chunks.push(chunk);
    });
    res.once('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      // Deeper values would overflow the stack of whatever serialises them later.
      if (exceedsDepth(text)) {
        reject(new WardenError('UPSTREAM_PROTOCOL', 'upstream sent a message nested too deeply'));
        return;
      }
      try {
        resolve(JSON.parse(text));
      } catch (error) {
        reject(new WardenError('UPSTREAM_PROTOCOL', 'upstream sent invalid JSON', { cause: error }));
      }
    });
    res.once('error', reject);
    res.once('close', () => reject(new WardenError('UPSTREAM_UNAVAILABLE', 'upstream response cut short')));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
