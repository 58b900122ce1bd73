import { ERROR_CODES, type ErrorCode } from './codes.js';

/** Options for {@link WardenError}. */
export interface WardenErrorOptions {
  /** What went wrong underneath; logged, never sent to clients. */
  cause?: unknown;
  /** Extra, client-safe details (for example a retry time or a schema path). */
  details?: Record<string, unknown>;
}

/** The one error type Warden throws on purpose: a stable code, an HTTP status and a short, client-safe message. */
export class WardenError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, options: WardenErrorOptions = {}) {
    super(
      message ?? ERROR_CODES[code].message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'WardenError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = options.details;
  }
}

/** True when `value` is a {@link WardenError}, optionally with the given code. */
export function isWardenError(value: unknown, code?: ErrorCode): value is WardenError {
  return value instanceof WardenError && (code === undefined || value.code === code);
}

/** The short text a client may see for any thrown value: the code and message of a WardenError, else a generic one. */
export function publicMessage(error: unknown): string {
  if (error instanceof WardenError) return `${error.code}: ${error.message}`;
  return 'INTERNAL: internal error';
}
