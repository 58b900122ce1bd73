import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { WardenError } from '../errors/index.js';
import { MAX_JSON_DEPTH } from './jsonrpc.js';
import type { JsonRpcMessage } from './wire.js';

/**
 * Longest event taken from a legacy upstream's event stream, in bytes: the same bound as Warden's own parser for
 * Streamable HTTP streams (MAX_SSE_EVENT_CHARS). The SDK's event source buffers an event without limit.
 */
export const MAX_LEGACY_SSE_EVENT_BYTES = 32 * 1024 * 1024;
/** How long the endpoint has to acknowledge each POST (its answer comes on the event stream) by default. */
export const DEFAULT_LEGACY_POST_TIMEOUT_MS = 10_000;

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
  /**
   * How long each POST to the endpoint may take, body included; past it the POST is aborted and the send fails
   * with UPSTREAM_TIMEOUT. @default DEFAULT_LEGACY_POST_TIMEOUT_MS
   */
  postTimeoutMs?: number | undefined;
  /** Told about each message dropped for nesting deeper than MAX_JSON_DEPTH (for logging). */
  onDropped?: ((reason: string) => void) | undefined;
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
  const postTimeoutMs = options.postTimeoutMs ?? DEFAULT_LEGACY_POST_TIMEOUT_MS;
  const sdk = new SSEClientTransport(new URL(url), {
    fetch: (input, init) => withDeadline(send, input, init, postTimeoutMs),
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
  sdk.onmessage = (message) => {
    // The SDK has parsed it already; deeper values would overflow the stack of whatever serialises them later,
    // which Warden's own transports refuse before parsing.
    if (nestsDeeperThan(message, MAX_JSON_DEPTH))
      options.onDropped?.('upstream sent a message nested too deeply; dropped');
    else pipe.onmessage?.(message);
  };
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

/** True when arrays and objects in `value` nest deeper than `limit` levels; walks with its own stack, not recursion. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth > limit) return true;
    for (const child of Object.values(next.value)) stack.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}

/**
 * A POST that the upstream never answers would otherwise hold its connection for good, and the ones after it would
 * queue behind the upstream's connection cap: each gets `timeoutMs`, and then fails with UPSTREAM_TIMEOUT.
 */
async function withDeadline(
  send: LegacySseFetch,
  input: string | URL,
  init: RequestInit | undefined,
  timeoutMs: number,
): Promise<Response> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
  try {
    return await send(input, { ...init, signal });
  } catch (error) {
    if (!deadline.aborted) throw error;
    throw new WardenError(
      'UPSTREAM_TIMEOUT',
      `upstream did not acknowledge a message within ${timeoutMs} ms`,
    );
  }
}
