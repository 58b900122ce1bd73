import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import type { JsonRpcMessage } from './wire.js';

/**
 * Longest event taken from a legacy upstream's event stream, in bytes: the same bound as Warden's own parser for
 * Streamable HTTP streams (MAX_SSE_EVENT_CHARS). The SDK's event source buffers an event without limit.
 */
export const MAX_LEGACY_SSE_EVENT_BYTES = 32 * 1024 * 1024;

/** The subset of a message pipe that the legacy HTTP+SSE adapter offers (see `src/upstream/transport.ts`). */
export interface LegacySsePipe {
  start(): Promise<void>;
  send(message: JsonRpcMessage): Promise<void>;
  close(): Promise<void>;
  onmessage?: (message: unknown) => void;
  onclose?: (reason: string) => void;
}

/** The `fetch` the legacy SSE client makes its requests with. */
export type LegacySseFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** Options of {@link createLegacySsePipe}. */
export interface LegacySsePipeOptions {
  /** Makes every request (the event stream and each POST). @default the global fetch */
  fetch?: LegacySseFetch | undefined;
  /** @default MAX_LEGACY_SSE_EVENT_BYTES */
  maxEventBytes?: number | undefined;
}

/** Connects to a server that speaks the legacy HTTP+SSE transport (protocol 2024-11-05), using the SDK's client. */
export function createLegacySsePipe(
  url: string,
  headers: Record<string, string>,
  options: LegacySsePipeOptions = {},
): LegacySsePipe {
  const send = options.fetch ?? fetch;
  const maxEventBytes = options.maxEventBytes ?? MAX_LEGACY_SSE_EVENT_BYTES;
  let closing = false;
  const end = (reason: string): void => {
    if (closing) return;
    closing = true;
    void sdk.close().finally(() => pipe.onclose?.(reason));
  };
  const sdk = new SSEClientTransport(new URL(url), {
    fetch: send,
    requestInit: { headers },
    eventSourceInit: {
      fetch: async (input, init) => {
        const response = await send(input, {
          ...init,
          headers: { ...headers, ...Object.fromEntries(new Headers(init?.headers).entries()) },
        });
        return limitEvents(response, maxEventBytes, () =>
          end(`upstream sent an event larger than ${maxEventBytes} bytes`),
        );
      },
    },
  });
  const pipe: LegacySsePipe = {
    start: () => sdk.start(),
    send: (message) => sdk.send(message as Parameters<SSEClientTransport['send']>[0]),
    close: async () => {
      closing = true;
      await sdk.close();
    },
  };
  sdk.onmessage = (message) => pipe.onmessage?.(message);
  sdk.onclose = () => {
    if (!closing) pipe.onclose?.('event stream closed');
  };
  return pipe;
}

/**
 * The event stream of `response`, ended with an error (and `onExceeded` called) once one event (the bytes between
 * two blank lines) grows past `maxBytes`: the SDK's event source would otherwise hold all of it in memory.
 */
function limitEvents(response: Response, maxBytes: number, onExceeded: () => void): Response {
  if (!response.ok || response.body === null) return response;
  let eventBytes = 0;
  let atLineStart = true;
  let afterCr = false;
  const guard = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      for (const byte of chunk) {
        // CR, LF and CRLF each end a line; an empty line ends the event.
        if (byte === 0x0a && afterCr) {
          afterCr = false;
          continue;
        }
        afterCr = byte === 0x0d;
        if (byte === 0x0a || byte === 0x0d) {
          if (atLineStart) eventBytes = 0;
          atLineStart = true;
        } else {
          atLineStart = false;
          if (++eventBytes > maxBytes) {
            onExceeded();
            controller.error(new Error(`event larger than ${maxBytes} bytes`));
            return;
          }
        }
      }
      controller.enqueue(chunk);
    },
  });
  const limited = new Response(response.body.pipeThrough(guard), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // The event source reads where a redirect led from these; a new Response would report none.
  Object.defineProperties(limited, {
    url: { value: response.url },
    redirected: { value: response.redirected },
  });
  return limited;
}
