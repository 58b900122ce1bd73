import * as z from 'zod';
import { WardenError } from '../../errors/index.js';
import type { OscArg } from './osc-codec.js';

/** Most arguments in one message. */
export const MAX_OSC_ARGS = 256;
/** Largest blob argument, in bytes (after base64 decoding). */
export const MAX_OSC_BLOB_BYTES = 32 * 1024;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const typedArgSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('i'), value: z.number() }),
  z.strictObject({ type: z.literal('f'), value: z.number() }),
  z.strictObject({ type: z.literal('s'), value: z.string() }),
  z.strictObject({ type: z.literal('b'), value: z.string() }),
  z.strictObject({ type: z.literal('T'), value: z.literal(true).optional() }),
  z.strictObject({ type: z.literal('F'), value: z.literal(false).optional() }),
  z.strictObject({ type: z.literal('N'), value: z.null().optional() }),
]);

const argSchema = z.union([z.number(), z.string(), z.boolean(), z.null(), typedArgSchema]);

function bad(index: number, reason: string): WardenError {
  return new WardenError('OSC_BAD_ARGS', `argument ${index}: ${reason}`);
}

function int32(value: number, index: number): OscArg {
  if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX)
    throw bad(index, 'not a 32-bit integer');
  return { type: 'i', value };
}

function float32(value: number, index: number): OscArg {
  if (!Number.isFinite(Math.fround(value))) throw bad(index, 'not a finite 32-bit float');
  return { type: 'f', value };
}

function oscText(value: string, index: number): OscArg {
  // OSC strings end at the first NUL; an embedded one would smuggle a different argument list to the device.
  if (value.includes('\u0000')) throw bad(index, 'strings may not contain NUL');
  return { type: 's', value };
}

function blob(value: string, index: number): OscArg {
  if (!BASE64.test(value)) throw bad(index, 'blob must be standard base64');
  if ((value.length / 4) * 3 > MAX_OSC_BLOB_BYTES + 2)
    throw bad(index, `blob larger than ${MAX_OSC_BLOB_BYTES} bytes`);
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length > MAX_OSC_BLOB_BYTES) throw bad(index, `blob larger than ${MAX_OSC_BLOB_BYTES} bytes`);
  return { type: 'b', value: new Uint8Array(bytes) };
}

function toOscArg(raw: unknown, index: number): OscArg {
  const parsed = argSchema.safeParse(raw);
  if (!parsed.success) throw bad(index, 'expected a number, string, boolean, null or {type, value}');
  const arg = parsed.data;
  if (arg === null) return { type: 'N' };
  if (typeof arg === 'boolean') return { type: arg ? 'T' : 'F' };
  if (typeof arg === 'number') return Number.isInteger(arg) ? int32(arg, index) : float32(arg, index);
  if (typeof arg === 'string') return oscText(arg, index);
  switch (arg.type) {
    case 'i':
      return int32(arg.value, index);
    case 'f':
      return float32(arg.value, index);
    case 's':
      return oscText(arg.value, index);
    case 'b':
      return blob(arg.value, index);
    default:
      return { type: arg.type };
  }
}

/**
 * Converts JSON arguments to typed OSC arguments: integers become `i`, other numbers `f`, strings `s`, booleans
 * `T`/`F`, null `N`; `{type, value}` objects pick the type (blobs `b` as base64). Throws OSC_BAD_ARGS.
 */
export function toOscArgs(raw: unknown): OscArg[] {
  if (!Array.isArray(raw)) throw new WardenError('OSC_BAD_ARGS', 'args must be an array');
  if (raw.length > MAX_OSC_ARGS) throw new WardenError('OSC_BAD_ARGS', `at most ${MAX_OSC_ARGS} arguments`);
  return raw.map((value, index) => toOscArg(value, index));
}

/** The JSON form of a received argument: numbers, strings, booleans, null, and `{type: "b", value: base64}`. */
export function fromOscArg(arg: OscArg): unknown {
  switch (arg.type) {
    case 'T':
      return true;
    case 'F':
      return false;
    case 'N':
      return null;
    case 'b':
      return { type: 'b', value: Buffer.from(arg.value).toString('base64') };
    case 'h':
      return Number.isSafeInteger(Number(arg.value)) ? Number(arg.value) : arg.value.toString();
    default:
      return arg.value;
  }
}
