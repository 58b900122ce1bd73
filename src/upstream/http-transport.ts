import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { WardenError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { CORRELATION_META_KEY, type JsonRpcId, type JsonRpcMessage } from '../mcp/wire.js';
import { SseParser, type SseEvent } from './sse-parser.js';
import type { UpstreamTransport } from './transport.js';

/** Default wait before reconnecting a dropped event stream when the server named none. */
export const DEFAULT_SSE_RETRY_MS = 1000;
/** Most reconnect attempts for one interrupted response stream. */
export const MAX_RESUME_ATTEMPTS = 5;
const MAX_JSON_BODY_BYTES = 64 * 1024 * 1024;

/** Options for {@link StreamableHttpTransport}. */
export interface StreamableHttpTransportOptions {
  url: string;
  headers: Record<string, string>;
  logger: Logger;
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
  private getStreamStarted = false;

  constructor(private readonly options: StreamableHttpTransportOptions) {
    this.url = new URL(options.url);
    const https = this.url.protocol === 'https:';
    this.agent = https
      ? new HttpsAgent({ keepAlive: true, maxSockets: 64 })
      : new HttpAgent({ keepAlive: true, maxSockets: 64 });
    this.send_ = https ? httpsRequest : httpRequest;
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

  private exchange(method: string, headers: OutgoingHttpHeaders, body?: string): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = this.send_(
        this.url,
        { method, headers: this.headers(headers), agent: this.agent },
        resolve,
      );
      req.once('error', (error) =>
        reject(new WardenError('UPSTREAM_UNAVAILABLE', 'upstream HTTP request failed', { cause: error })),
      );
      req.end(body);
    });
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
    const res = await this.exchange('POST', headers, body);
    const isInitialize = 'method' in message && message.method === 'initialize';
    const session = res.headers['mcp-session-id'];
    if (isInitialize && typeof session === 'string') this.sessionId = session;
    const requestId = 'method' in message && 'id' in message ? message.id : undefined;
    if (res.statusCode === 404 && this.sessionId && !isInitialize) {
      res.resume();
      this.fail('upstream session expired');
      throw new WardenError('UPSTREAM_UNAVAILABLE', 'upstream session expired');
    }
    if (res.statusCode === undefined || res.statusCode >= 400) {
      res.resume();
      throw new WardenError('UPSTREAM_ERROR', `upstream answered HTTP ${res.statusCode ?? 0}`);
    }
    // The standalone GET stream carries what the server sends outside a request (elicitation, list changes); it
    // opens once the session is initialized, whatever the notification itself was answered with.
    if (!this.getStreamStarted && 'method' in message && message.method === 'notifications/initialized') {
      this.getStreamStarted = true;
      void this.openGetStream(undefined, undefined, 0);
    }
    const type = String(res.headers['content-type'] ?? '');
    if (res.statusCode === 202 || (requestId === undefined && !type)) {
      res.resume();
      return;
    }
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

  /** Reads an event stream; if it ends before the response to `requestId` arrived, resumes it. */
  private readStream(res: IncomingMessage, requestId: JsonRpcId | undefined, attempt: number): void {
    this.open.add(res);
    let answered = false;
    const parser = new SseParser((event: SseEvent) => {
      if (event.retryMs !== undefined) this.retryMs = event.retryMs;
      if (event.event !== 'message' || event.data === '') return;
      let value: unknown;
      try {
        value = JSON.parse(event.data);
      } catch {
        this.options.logger.warn('upstream sent a non-JSON event');
        return;
      }
      if (requestId !== undefined && isResponseTo(value, requestId)) answered = true;
      this.onmessageBatch(value, requestId);
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
    const finish = (): void => {
      this.open.delete(res);
      if (this.closed || answered) return;
      const lastEventId = parser.lastEventId;
      if (requestId === undefined) {
        // The standalone GET stream: keep one open while the connection lives.
        void this.openGetStream(lastEventId, undefined, attempt + 1);
      } else if (lastEventId !== undefined && attempt < MAX_RESUME_ATTEMPTS) {
        void this.openGetStream(lastEventId, requestId, attempt + 1);
      }
    };
    res.once('end', finish);
    res.once('error', finish);
  }

  private async openGetStream(
    lastEventId: string | undefined,
    requestId: JsonRpcId | undefined,
    attempt: number,
  ): Promise<void> {
    if (attempt > 0)
      await delay(attempt === 1 ? this.retryMs : Math.min(this.retryMs * 2 ** (attempt - 1), 30_000));
    if (this.closed || attempt > MAX_RESUME_ATTEMPTS * 4) return;
    const headers: OutgoingHttpHeaders = { accept: 'text/event-stream' };
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    let res: IncomingMessage;
    try {
      res = await this.exchange('GET', headers);
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
        const res = await this.exchange('DELETE', {});
        res.resume();
      } catch (error) {
        this.options.logger.debug({ err: error }, 'upstream session DELETE failed');
      }
    }
    this.agent.destroy();
  }
}

function isResponseTo(value: unknown, id: JsonRpcId): boolean {
  return (
    typeof value === 'object' && value !== null && !('method' in value) && 'id' in value && value.id === id
  );
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
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(new WardenError('UPSTREAM_PROTOCOL', 'upstream sent invalid JSON', { cause: error }));
      }
    });
    res.once('error', reject);
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
