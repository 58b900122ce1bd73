import { ERROR_CODES, WardenError, type ErrorCode } from '../../errors/index.js';

/** A file-tool refusal whose message names the path relative to its root, never the host path. */
export function fsError(code: ErrorCode, display?: string, cause?: unknown): WardenError {
  const base = ERROR_CODES[code].message;
  const message = display === undefined ? base : `${base}: ${display}`;
  return new WardenError(code, message, cause === undefined ? {} : { cause });
}

/** The errno code of a Node system error, or undefined for anything else. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code: unknown = Reflect.get(error, 'code');
  return typeof code === 'string' ? code : undefined;
}

/**
 * Maps a system error met while operating on a confined path to a WardenError; anything unexpected becomes
 * FS_IO so that a failed check never falls back to a weaker one.
 */
export function mapFsError(error: unknown, display: string): WardenError {
  if (error instanceof WardenError) return error;
  switch (errnoCode(error)) {
    case 'ENOENT':
      return fsError('FS_NOT_FOUND', display, error);
    case 'ENOTDIR':
      return fsError('FS_NOT_A_DIRECTORY', display, error);
    case 'EISDIR':
      return fsError('FS_NOT_A_FILE', display, error);
    case 'ELOOP':
    case 'EMLINK':
      return fsError('FS_SYMLINK', display, error);
    case 'EEXIST':
      return fsError('FS_EXISTS', display, error);
    case 'ENOTEMPTY':
      return fsError('FS_NOT_EMPTY', display, error);
    default:
      return fsError('FS_IO', display, error);
  }
}
