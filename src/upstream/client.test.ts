import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log/index.js';
import type { JsonRpcMessage } from '../mcp/wire.js';
import { MAX_INCOMING_REQUESTS, UpstreamClient } from './client.js';
import type { UpstreamTransport } from './transport.js';

/** A transport to a server that never answers; it records what the client does with it. */
class SilentTransport implements UpstreamTransport {
  onmessage?: (message: unknown) => void;
  onclose?: (reason: string) => void;
  closed = false;
  readonly released: unknown[] = [];
  readonly sent: JsonRpcMessage[] = [];
  start(): Promise<void> {
    return Promise.resolve();
  }
  send(message: JsonRpcMessage): Promise<void> {
    this.sent.push(message);
    // Answers initialize, so that the client becomes ready.
    if ('method' in message && message.method === 'initialize' && 'id' in message) {
      const result = { protocolVersion: (message.params as { protocolVersion: string }).protocolVersion };
      queueMicrotask(() => this.onmessage?.({ jsonrpc: '2.0', id: message.id, result }));
    }
    return Promise.resolve();
  }
  release(requestId: number | string): void {
    this.released.push(requestId);
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

describe('UpstreamClient', () => {
  it('closes the transport of a first start that failed, so no process outlives it', async () => {
    const transports: SilentTransport[] = [];
    const client = new UpstreamClient('silent', {
      logger: silentLogger(),
      connect: () => {
        const transport = new SilentTransport();
        transport.send = () => Promise.resolve(); // not even initialize is answered
        transports.push(transport);
        return transport;
      },
      defaultTimeoutMs: 50,
      backoffBaseMs: 60_000,
    });
    await expect(client.start()).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(transports.map((t) => t.closed)).toEqual([true]);
    expect(transports[0]!.released).toEqual([1]);
    await client.close();
  });

  it('relays at most MAX_INCOMING_REQUESTS requests from an upstream at once, and no id twice', async () => {
    const transport = new SilentTransport();
    const relayed: unknown[] = [];
    const client = new UpstreamClient('flooding', {
      logger: silentLogger(),
      connect: () => transport,
      defaultTimeoutMs: 1000,
      // The client never answers, as a person may take minutes to answer an elicitation.
      onRequest: (_method, params) => {
        relayed.push(params?.n);
        return new Promise(() => undefined);
      },
    });
    await client.start();
    for (let n = 0; n < 10_000; n++)
      transport.onmessage?.({ jsonrpc: '2.0', id: n, method: 'elicitation/create', params: { n } });
    transport.onmessage?.({ jsonrpc: '2.0', id: 0, method: 'elicitation/create', params: { n: 'again' } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(relayed).toEqual(Array.from({ length: MAX_INCOMING_REQUESTS }, (_, n) => n));
    const refusals = transport.sent.filter((m) => 'error' in m);
    expect(refusals).toHaveLength(10_000 - MAX_INCOMING_REQUESTS + 1);
    expect(refusals[0]).toEqual({
      jsonrpc: '2.0',
      id: MAX_INCOMING_REQUESTS,
      error: { code: -32603, message: 'CONCURRENCY_LIMITED: too many requests from this upstream in flight' },
    });
    expect(refusals.at(-1)).toEqual({
      jsonrpc: '2.0',
      id: 0,
      error: { code: -32600, message: 'DUPLICATE_REQUEST_ID: a request with this id is already in flight' },
    });
    await client.close();
  });
});
