/**
 * OSC 1.0 message encoding and decoding (https://opensoundcontrol.stanford.edu/spec-1_0.html): an OSC-string
 * address, an OSC-string type tag starting with ",", then the arguments, every part padded to 4 bytes.
 */

/** One typed OSC argument. Blobs are raw bytes here; JSON carries them as base64. */
export type OscArg =
  | { type: 'i'; value: number }
  | { type: 'f'; value: number }
  | { type: 'd'; value: number }
  | { type: 'h'; value: bigint }
  | { type: 's'; value: string }
  | { type: 'b'; value: Uint8Array }
  | { type: 'T' }
  | { type: 'F' }
  | { type: 'N' };

/** A decoded OSC message. */
export interface OscMessage {
  address: string;
  args: OscArg[];
}

/** Largest OSC packet sent or accepted, in bytes (below the UDP payload limit of 65 507). */
export const MAX_OSC_PACKET_BYTES = 65_000;

function padded(length: number): number {
  return (length + 3) & ~3;
}

function oscString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(padded(bytes.length + 1));
  bytes.copy(out);
  return out;
}

function encodeArg(arg: OscArg): Buffer {
  switch (arg.type) {
    case 'i': {
      const out = Buffer.alloc(4);
      out.writeInt32BE(arg.value);
      return out;
    }
    case 'f': {
      const out = Buffer.alloc(4);
      out.writeFloatBE(arg.value);
      return out;
    }
    case 'd': {
      const out = Buffer.alloc(8);
      out.writeDoubleBE(arg.value);
      return out;
    }
    case 'h': {
      const out = Buffer.alloc(8);
      out.writeBigInt64BE(arg.value);
      return out;
    }
    case 's':
      return oscString(arg.value);
    case 'b': {
      const out = Buffer.alloc(4 + padded(arg.value.length));
      out.writeInt32BE(arg.value.length);
      out.set(arg.value, 4);
      return out;
    }
    default:
      return Buffer.alloc(0);
  }
}

/** Encodes one OSC message; the caller has validated the address and arguments. */
export function encodeOscMessage(message: OscMessage): Buffer {
  const tags = `,${message.args.map((arg) => arg.type).join('')}`;
  return Buffer.concat([oscString(message.address), oscString(tags), ...message.args.map(encodeArg)]);
}

/** Raised for a malformed packet; replies that fail to decode are dropped. */
export class OscDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OscDecodeError';
  }
}

class Reader {
  offset = 0;
  constructor(readonly buffer: Buffer) {}

  need(bytes: number): void {
    if (bytes < 0 || this.offset + bytes > this.buffer.length) throw new OscDecodeError('truncated packet');
  }

  string(): string {
    const end = this.buffer.indexOf(0, this.offset);
    if (end === -1) throw new OscDecodeError('unterminated string');
    const text = this.buffer.toString('utf8', this.offset, end);
    const next = this.offset + padded(end - this.offset + 1);
    this.need(next - this.offset);
    this.offset = next;
    return text;
  }

  take(bytes: number): Buffer {
    this.need(bytes);
    const slice = this.buffer.subarray(this.offset, this.offset + bytes);
    this.offset += bytes;
    return slice;
  }
}

function decodeArg(reader: Reader, tag: string): OscArg {
  switch (tag) {
    case 'i':
      return { type: 'i', value: reader.take(4).readInt32BE() };
    case 'f':
      return { type: 'f', value: reader.take(4).readFloatBE() };
    case 'd':
      return { type: 'd', value: reader.take(8).readDoubleBE() };
    case 'h':
      return { type: 'h', value: reader.take(8).readBigInt64BE() };
    case 's':
      return { type: 's', value: reader.string() };
    case 'b': {
      const length = reader.take(4).readInt32BE();
      if (length < 0) throw new OscDecodeError('negative blob size');
      const bytes = reader.take(padded(length));
      return { type: 'b', value: Uint8Array.from(bytes.subarray(0, length)) };
    }
    case 'T':
    case 'F':
    case 'N':
      return { type: tag };
    default:
      throw new OscDecodeError(`unsupported type tag ${JSON.stringify(tag)}`);
  }
}

/** Decodes one OSC message (bundles are refused); throws {@link OscDecodeError} on any malformed input. */
export function decodeOscMessage(packet: Buffer): OscMessage {
  if (packet.length > MAX_OSC_PACKET_BYTES) throw new OscDecodeError('packet too large');
  if (packet.length % 4 !== 0) throw new OscDecodeError('packet size is not a multiple of 4');
  const reader = new Reader(packet);
  const address = reader.string();
  if (!address.startsWith('/')) throw new OscDecodeError('not an OSC message');
  if (reader.offset === packet.length) return { address, args: [] };
  const tags = reader.string();
  if (!tags.startsWith(',')) throw new OscDecodeError('missing type tag string');
  const args = [...tags.slice(1)].map((tag) => decodeArg(reader, tag));
  if (reader.offset !== packet.length) throw new OscDecodeError('trailing bytes');
  return { address, args };
}
