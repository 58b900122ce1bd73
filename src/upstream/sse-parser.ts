import { WardenError } from '../errors/index.js';

/** One Server-Sent Event. */
export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
  retryMs: number | undefined;
}

/** Longest event Warden buffers from an upstream stream. */
export const MAX_SSE_EVENT_CHARS = 32 * 1024 * 1024;

/**
 * An incremental parser for the text/event-stream format (WHATWG HTML, "Server-sent events"): feed it chunks as
 * they arrive and it calls `onEvent` for each complete event.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;
  private retryMs: number | undefined;
  private size = 0;

  constructor(
    private readonly onEvent: (event: SseEvent) => void,
    /** Longest event, in characters, before `feed` throws. @default MAX_SSE_EVENT_CHARS */
    private readonly maxEventChars: number = MAX_SSE_EVENT_CHARS,
  ) {}

  /** Parses the next chunk; throws UPSTREAM_PROTOCOL once the pending event grows past its limit. */
  feed(chunk: string): void {
    // Only the new chunk is searched for newlines: searching the held text again on every chunk made one long
    // line cost quadratic time.
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      let line = this.buffer + chunk.slice(start, nl);
      this.buffer = '';
      if (line.endsWith('\r')) line = line.slice(0, -1);
      start = nl + 1;
      this.onLine(line);
    }
    this.buffer += chunk.slice(start);
    if (this.buffer.length + this.size > this.maxEventChars)
      throw new WardenError('UPSTREAM_PROTOCOL', 'upstream event too large');
  }

  private onLine(line: string): void {
    if (line === '') {
      if (this.data.length > 0) {
        this.onEvent({
          event: this.event || 'message',
          data: this.data.join('\n'),
          id: this.id,
          retryMs: this.retryMs,
        });
      }
      this.data = [];
      this.event = '';
      this.size = 0;
      this.retryMs = undefined;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        // The newline counts too, so that a run of empty data lines cannot grow the event without bound.
        this.size += value.length + 1;
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break;
    }
  }

  /** The id of the last event seen, for Last-Event-ID on reconnect. */
  get lastEventId(): string | undefined {
    return this.id;
  }
}
