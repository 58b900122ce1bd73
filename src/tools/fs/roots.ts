import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { WardenError } from '../../errors/index.js';
import { isWithin } from './containment.js';

/** One confinement root: its canonical path (symlinks resolved at start) and the path as configured. */
export interface FsRoot {
  readonly index: number;
  /** Canonical absolute path; every check compares against this. */
  readonly real: string;
  /** `path.resolve(baseDir, configured)`, accepted as an alias of `real` in absolute input paths. */
  readonly configured: string;
}

/** Resolves configured roots against `baseDir` with realpath; a missing root or a non-directory is a start-up error. */
export async function resolveRoots(roots: readonly string[], baseDir: string): Promise<FsRoot[]> {
  const resolved: FsRoot[] = [];
  for (const [index, root] of roots.entries()) {
    const configured = path.resolve(baseDir, root);
    let real: string;
    try {
      real = await realpath(configured);
    } catch (error) {
      throw new WardenError('CONFIG_INVALID', `builtins.fs.roots[${index}] does not exist`, { cause: error });
    }
    const info = await stat(real);
    if (!info.isDirectory())
      throw new WardenError('CONFIG_INVALID', `builtins.fs.roots[${index}] is not a directory`);
    resolved.push({ index, real, configured });
  }
  return resolved;
}

/** Every root that contains `absolute`, deepest first. */
export function rootsContaining(roots: readonly FsRoot[], absolute: string): FsRoot[] {
  return roots.filter((root) => isWithin(root.real, absolute)).sort((a, b) => b.real.length - a.real.length);
}
