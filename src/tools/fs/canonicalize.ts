import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, fsError, mapFsError } from './fs-error.js';

/** Most path components walked while looking for the deepest existing ancestor. */
export const MAX_PATH_DEPTH = 256;

/** A lexical path split into its deepest existing canonical ancestor and the components below it that do not exist. */
export interface CanonicalPath {
  readonly existing: string;
  readonly missing: readonly string[];
}

async function isEntry(candidate: string, display: string): Promise<boolean> {
  try {
    await lstat(candidate);
    return true;
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw mapFsError(error, display);
  }
}

/**
 * Resolves every existing component of `lexical` with realpath. Only "does not exist" lets the walk move up to the
 * parent, and only when the entry is truly absent: an entry that exists but cannot be resolved is a dangling link
 * and is refused. Any other error fails closed instead of falling back to a parent check (CVE-2025-53109).
 */
export async function canonicalize(lexical: string, stopAt: string, display: string): Promise<CanonicalPath> {
  const missing: string[] = [];
  let current = lexical;
  for (let depth = 0; depth <= MAX_PATH_DEPTH; depth += 1) {
    try {
      return { existing: await realpath(current), missing };
    } catch (error) {
      const code = errnoCode(error);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw mapFsError(error, display);
      if (await isEntry(current, display)) throw fsError('FS_SYMLINK', display, error);
      if (current === stopAt || path.dirname(current) === current)
        throw fsError('FS_NOT_FOUND', display, error);
      missing.unshift(path.basename(current));
      current = path.dirname(current);
    }
  }
  throw fsError('FS_BAD_PATH', 'path too deep');
}
