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

/** Connects to a server that speaks the legacy HTTP+SSE transport (protocol 2024-11-05), using the SDK's client. */
export function createLegacySsePipe(url: string, headers: Record<string, string>): LegacySsePipe {
  const sdk = new SSEClientTransport(new URL(url), {
    requestInit: { headers },
    eventSourceInit: {
      fetch: (input, init) =>
        fetch(input, {
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
