import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { WardenError } from '../../errors/index.js';

/** True when `real` (already resolved) lies inside one of the resolved `roots`. */
export function isInsideRoots(real: string, roots: readonly string[]): boolean {
  return roots.some((root) => real === root || real.startsWith(root === '/' ? '/' : `${root}/`));
}

/**
 * Resolves `value` against `cwd` the way the kernel will: symlinks and `..` after them followed, for the longest
 * existing prefix; the missing rest is appended lexically.
 */
export async function resolveLeniently(value: string, cwd: string): Promise<string> {
  // Plain concatenation, not path.resolve: `link/..` must be resolved after following `link`.
  let current = isAbsolute(value) ? value : `${cwd}/${value}`;
  const missing: string[] = [];
  for (let depth = 0; depth < 4096; depth++) {
    try {
      return join(await realpath(current), ...missing.reverse());
    } catch (error: unknown) {
      if (!isMissing(error)) throw error;
      const parent = dirname(current);
      if (parent === current) break;
      missing.push(basename(current));
      current = parent;
    }
  }
  return join(current, ...missing.reverse());
}

function isMissing(error: unknown): boolean {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' || code === 'ENAMETOOLONG';
}

/** True when an argument should be treated as a file name: it has a slash, is `.`/`..`/`~…`, or exists. */
export async function looksLikePath(value: string, cwd: string): Promise<boolean> {
  if (value === '' || value === '-') return false;
  if (value.includes('/') || value === '.' || value === '..' || value.startsWith('~')) return true;
  try {
    await lstat(`${cwd}/${value}`);
    return true;
  } catch (error: unknown) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/** Refuses (SHELL_PATH_DENIED) when any candidate, or its part after `=`, names a path outside the roots. */
export async function checkPathArguments(
  candidates: readonly string[],
  cwd: string,
  roots: readonly string[],
): Promise<void> {
  const values = candidates.flatMap((value) => {
    const eq = value.indexOf('=');
    return eq === -1 ? [value] : [value, value.slice(eq + 1)];
  });
  for (const value of values) {
    if (!(await looksLikePath(value, cwd))) continue;
    if (!isInsideRoots(await resolveLeniently(value, cwd), roots)) {
      throw new WardenError('SHELL_PATH_DENIED');
    }
  }
}
