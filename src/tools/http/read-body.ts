import type { IncomingMessage } from 'node:http';
import { WardenError } from '../../errors/index.js';

/** Reads a response body, aborting as soon as it exceeds `maxBytes` (HTTP_TOO_LARGE) or `signal` fires. */
export async function readBody(res: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    throw new WardenError('HTTP_TOO_LARGE');
  }
  const onAbort = (): void => {
    res.destroy(signal.reason instanceof Error ? signal.reason : new WardenError('CANCELLED'));
  };
  signal.addEventListener('abort', onAbort, { once: true });
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    if (signal.aborted) onAbort();
    for await (const chunk of res) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      total += buffer.length;
      if (total > maxBytes) {
        res.destroy();
        throw new WardenError('HTTP_TOO_LARGE');
      }
      chunks.push(buffer);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return Buffer.concat(chunks, total);
}
