import { fsError } from './fs-error.js';

/** Longest path accepted, in bytes (Linux PATH_MAX). */
export const MAX_PATH_BYTES = 4096;

// A lone surrogate would be encoded as U+FFFD, so two different inputs could name the same file.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Checks that an untrusted path argument is a usable string. `~` gets no expansion: it is an ordinary file name,
 * so `~/x` names `x` inside a directory called `~` under the first root.
 */
export function parseInputPath(value: unknown): string {
  if (typeof value !== 'string') throw fsError('FS_BAD_PATH', 'path must be a string');
  if (value.length === 0) throw fsError('FS_BAD_PATH', 'path must not be empty');
  if (value.includes('\0')) throw fsError('FS_BAD_PATH', 'path must not contain NUL bytes');
  if (Buffer.byteLength(value, 'utf8') > MAX_PATH_BYTES) throw fsError('FS_BAD_PATH', 'path too long');
  if (LONE_SURROGATE.test(value)) throw fsError('FS_BAD_PATH', 'path is not well-formed Unicode');
  return value;
}
