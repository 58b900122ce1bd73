import * as z from 'zod';
import { WardenError } from '../../errors/index.js';
import {
  FETCH_METHODS,
  MAX_REQUEST_BODY_BYTES,
  MAX_REQUEST_HEADERS,
  MAX_URL_CHARS,
  type FetchMethod,
} from './limits.js';

/** Arguments of `http_fetch` after parsing. */
export interface FetchArgs {
  url: string;
  method: FetchMethod;
  headers: [string, string][];
  body: string | undefined;
}

const fetchArgsSchema = z.strictObject({
  url: z.string().min(1).max(MAX_URL_CHARS),
  method: z.enum(FETCH_METHODS).optional(),
  headers: z
    .record(z.string(), z.string())
    .refine((h) => Object.keys(h).length <= MAX_REQUEST_HEADERS)
    .optional(),
  body: z.string().optional(),
});

/** Parses untrusted `http_fetch` arguments; throws ARGS_INVALID naming the first bad field. */
export function parseFetchArgs(input: unknown): FetchArgs {
  const parsed = fetchArgsSchema.safeParse(input);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path[0];
    throw new WardenError(
      'ARGS_INVALID',
      typeof field === 'string' ? `invalid ${field}` : 'invalid arguments',
    );
  }
  const { url, method = 'GET', headers = {}, body } = parsed.data;
  if (body !== undefined && Buffer.byteLength(body, 'utf8') > MAX_REQUEST_BODY_BYTES) {
    throw new WardenError('ARGS_INVALID', 'body too large');
  }
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
    throw new WardenError('ARGS_INVALID', `a ${method} request has no body`);
  }
  return { url, method, headers: Object.entries(headers), body };
}
