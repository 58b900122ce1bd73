import type { ServerResponse } from 'node:http';
import type { SessionChannel } from '../gateway/session.js';
import type { JsonRpcId, JsonRpcMessage } from '../mcp/wire.js';

/** Headers of an event-stream answer. */
const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
};

/**
 * One POST that carries a request. It answers with plain JSON unless a message for that request must be sent
 * before the result (progress, logging, sampling); then it upgrades to an event stream, if the client accepts one.
 */
export class Exchange {
  private streaming = false;
  done = false;

  constructor(
    readonly res: ServerResponse,
    private readonly acceptsSse: boolean,
    private readonly headers: Record<string, string>,
  ) {}

  /** Sends an intermediate message on this request's stream; false when it cannot. */
  push(message: JsonRpcMessage): boolean {
    if (this.done || this.res.destroyed) return false;
    if (!this.streaming) {
      if (!this.acceptsSse) return false;
      this.res.writeHead(200, { ...SSE_HEADERS, ...this.headers });
      this.streaming = true;
    }
    this.res.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
    return true;
  }

  /** Sends the final reply and ends the exchange. */
  finish(body: string, status = 200, extraHeaders?: Record<string, string>): void {
    if (this.done) return;
    this.done = true;
    if (this.res.destroyed) return;
    if (this.streaming) {
      this.res.end(`event: message\ndata: ${body}\n\n`);
      return;
    }
    this.res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...this.headers,
      ...extraHeaders,
    });
    this.res.end(body);
  }
}

/** Routes a session's messages to the POST stream they belong to, or to the session's GET stream. */
export class HttpSessionChannel implements SessionChannel {
  readonly exchanges = new Map<JsonRpcId, Exchange>();
  getStream: ServerResponse | undefined;

  send(message: JsonRpcMessage, related?: JsonRpcId): boolean {
    if (related !== undefined) {
      const exchange = this.exchanges.get(related);
      if (exchange?.push(message)) return true;
    }
    const stream = this.getStream;
    if (!stream || stream.destroyed) return false;
    stream.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
    return true;
  }

  /** Opens the session's standalone GET stream. */
  openGetStream(res: ServerResponse, headers: Record<string, string>): void {
    res.writeHead(200, { ...SSE_HEADERS, ...headers });
    res.write(': stream open\n\n');
    this.getStream = res;
    res.once('close', () => {
      if (this.getStream === res) this.getStream = undefined;
    });
  }

  close(): void {
    this.getStream?.end();
    this.getStream = undefined;
  }
}
