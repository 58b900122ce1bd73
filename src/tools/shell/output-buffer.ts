/** Collects a stream up to a byte cap, remembering whether anything was dropped. */
export interface OutputBuffer {
  push(chunk: Buffer): void;
  text(): string;
  readonly truncated: boolean;
}

/** A buffer that keeps the first `capBytes` bytes and discards (but keeps draining) the rest. */
export function createOutputBuffer(capBytes: number): OutputBuffer {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  return {
    push(chunk: Buffer): void {
      const room = capBytes - size;
      if (chunk.length > room) truncated = true;
      if (room <= 0) return;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(kept);
      size += kept.length;
    },
    text(): string {
      return Buffer.concat(chunks, size).toString('utf8');
    },
    get truncated(): boolean {
      return truncated;
    },
  };
}
