import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Directories searched for bubblewrap; the caller's PATH is never consulted. */
export const BWRAP_SEARCH_DIRS = ['/usr/local/bin', '/usr/bin', '/bin'] as const;

let cached: { path: string | undefined } | undefined;

/** The absolute path of an executable `bwrap` in a fixed system directory, found once and cached. */
export function findBwrap(): string | undefined {
  cached ??= { path: searchBwrap() };
  return cached.path;
}

function searchBwrap(): string | undefined {
  for (const dir of BWRAP_SEARCH_DIRS) {
    const candidate = join(dir, 'bwrap');
    try {
      accessSync(candidate, constants.X_OK);
      if (!statSync(candidate).isFile()) continue;
      return realpathSync(candidate);
    } catch (error: unknown) {
      // Absent or not executable in this directory: try the next one.
      void error;
    }
  }
  return undefined;
}
