import path from 'node:path';
import { isWithin } from './containment.js';
import { fsError } from './fs-error.js';
import { rootsContaining, type FsRoot } from './roots.js';

/** A path normalised without touching the file system, and the root it lexically falls in. */
export interface LexicalPath {
  readonly lexical: string;
  readonly root: FsRoot;
}

/**
 * Normalises `input` lexically (collapsing `..` before the kernel sees it): relative paths against the first root,
 * absolute ones as given; the result must lie inside a root (or inside a root's configured alias, which is mapped
 * onto its canonical path) before anything on disk is consulted, so outside paths are never probed.
 */
export function locate(roots: readonly FsRoot[], input: string): LexicalPath {
  const first = roots[0];
  if (first === undefined) throw fsError('FS_OUTSIDE_ROOT');
  const normalized = path.isAbsolute(input) ? path.resolve(input) : path.resolve(first.real, input);
  const inside = rootsContaining(roots, normalized)[0];
  if (inside !== undefined) return { lexical: normalized, root: inside };
  for (const root of roots) {
    if (root.configured !== root.real && isWithin(root.configured, normalized)) {
      return { lexical: path.join(root.real, path.relative(root.configured, normalized)), root };
    }
  }
  throw fsError('FS_OUTSIDE_ROOT');
}
