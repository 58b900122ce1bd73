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

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  feed(chunk: string): void {
    this.buffer += chunk;
    let start = 0;
    for (;;) {
      const nl = this.buffer.indexOf('\n', start);
      if (nl === -1) break;
      let line = this.buffer.slice(start, nl);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      start = nl + 1;
      this.onLine(line);
    }
    this.buffer = this.buffer.slice(start);
    if (this.buffer.length + this.size > MAX_SSE_EVENT_CHARS) throw new Error('SSE event too large');
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
        this.size += value.length;
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
