import { existsSync } from 'node:fs';
import type { FsConfig } from '../../config/builtins.js';
import { createDenyMatcher, type DenyMatcher } from './deny.js';
import { resolveRoots, type FsRoot } from './roots.js';

/** Everything the file tools share: canonical roots, the deny matcher, limits and how descriptors are anchored. */
export interface FsContext {
  readonly roots: readonly FsRoot[];
  readonly isDenied: DenyMatcher;
  readonly config: FsConfig;
  /**
   * True when `/proc/self/fd` exists (Linux): every operation then goes through a verified directory descriptor,
   * which closes the check-to-use window; otherwise plain paths with dev/inode re-checks are used.
   */
  readonly anchored: boolean;
}

/** Builds the shared context, resolving every root with realpath (a missing root is an error). */
export async function createFsContext(config: FsConfig, baseDir: string): Promise<FsContext> {
  const roots = await resolveRoots(config.roots, baseDir);
  return Object.freeze({
    roots,
    isDenied: createDenyMatcher(config.deny),
    config,
    anchored: existsSync('/proc/self/fd'),
  });
}
