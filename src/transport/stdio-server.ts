import type { Readable, Writable } from 'node:stream';
import type { Gateway } from '../gateway/gateway.js';
import type { ClientSession } from '../gateway/session.js';
import type { Logger } from '../log/index.js';
import { classify, errorResponse, parseMessage } from '../mcp/jsonrpc.js';
import { RPC, type JsonRpcMessage } from '../mcp/wire.js';
import type { Principal } from '../policy/principal.js';

/** Longest line accepted from the stdio client. */
export const MAX_STDIO_LINE_BYTES = 8 * 1024 * 1024;

/** Options for {@link serveStdio}. */
export interface StdioFrontEndOptions {
  gateway: Gateway;
  principal: Principal;
  logger: Logger;
  input: Readable;
  output: Writable;
  /** Makes a correlation id for each request. */
  correlationId: () => string;
}

/**
 * Serves one MCP client over newline-delimited JSON-RPC on stdin/stdout (the client launched `warden serve
 * --stdio`). Resolves when the input ends.
 */
export function serveStdio(options: StdioFrontEndOptions): Promise<void> {
  const { gateway, output, logger } = options;
  const write = (text: string): void => {
    if (!output.writableEnded) output.write(text + '\n');
  };
  const session: ClientSession = gateway.openSession(
    options.principal,
    'stdio',
    { send: (message: JsonRpcMessage) => (write(JSON.stringify(message)), true) },
    'stdio',
  );
  const onLine = (line: string): void => {
    const parsed = parseMessage(line);
    if (!parsed.ok) return write(JSON.stringify(parsed.response));
    if (Array.isArray(parsed.value))
      return write(
        JSON.stringify(errorResponse(null, RPC.INVALID_REQUEST, 'JSON-RPC batches are not supported')),
      );
    const message = classify(parsed.value);
    switch (message.kind) {
      case 'invalid':
        return write(
          JSON.stringify(
            errorResponse(message.id, RPC.INVALID_REQUEST, `Invalid Request: ${message.reason}`),
          ),
        );
      case 'notification':
        return gateway.handleNotification(session, message.message);
      case 'response':
        session.handleResponse(message.message);
        return;
      case 'request': {
        if (session.inflight.has(message.message.id)) {
          return write(
            JSON.stringify(
              errorResponse(
                message.message.id,
                RPC.INVALID_REQUEST,
                'DUPLICATE_REQUEST_ID: a request with this id is already in flight',
              ),
            ),
          );
        }
        void gateway
          .handleRequest(session, message.message, {
            correlationId: options.correlationId(),
            requestBytes: line.length,
          })
          .then((reply) => write(reply.body));
        return;
      }
    }
  };
  return new Promise((resolve) => {
    let pending = '';
    options.input.setEncoding('utf8');
    options.input.on('data', (chunk: string) => {
      let text = pending + chunk;
      let nl = text.indexOf('\n');
      while (nl !== -1) {
        const line = text.slice(0, nl).trim();
        text = text.slice(nl + 1);
        if (line) onLine(line);
        nl = text.indexOf('\n');
      }
      if (text.length > MAX_STDIO_LINE_BYTES) {
        logger.warn('stdio client sent an over-long line; dropped');
        write(JSON.stringify(errorResponse(null, RPC.INVALID_REQUEST, 'BODY_TOO_LARGE: message too large')));
        text = '';
      }
      pending = text;
    });
    options.input.once('end', () => {
      gateway.closeSession(session);
      resolve();
    });
  });
}
