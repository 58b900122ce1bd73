import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import type { JsonRpcMessage } from './wire.js';

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
}

/** Connects to a server that speaks the legacy HTTP+SSE transport (protocol 2024-11-05), using the SDK's client. */
export function createLegacySsePipe(
  url: string,
  headers: Record<string, string>,
  options: LegacySsePipeOptions = {},
): LegacySsePipe {
  const send = options.fetch ?? fetch;
  const sdk = new SSEClientTransport(new URL(url), {
    fetch: send,
    requestInit: { headers },
    eventSourceInit: {
      fetch: (input, init) =>
        send(input, {
          ...init,
          headers: { ...headers, ...Object.fromEntries(new Headers(init?.headers).entries()) },
        }),
    },
  });
  let closing = false;
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
