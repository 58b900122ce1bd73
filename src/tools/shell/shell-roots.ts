import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ShellConfig } from '../../config/builtins.js';
import { WardenError } from '../../errors/index.js';
import { isInsideRoots } from './confine-paths.js';

/** The resolved roots commands may reach and the default working directory inside them. */
export interface ShellRoots {
  roots: string[];
  defaultCwd: string;
}

/** Resolves roots (config.roots, else fsRoots, else cwd) and the default cwd with realpath; CONFIG_INVALID if unusable. */
export function resolveShellRoots(
  config: ShellConfig,
  baseDir: string,
  fsRoots: readonly string[] | undefined,
): ShellRoots {
  const configured = config.roots ?? fsRoots ?? (config.cwd !== undefined ? [config.cwd] : []);
  if (configured.length === 0)
    throw new WardenError('CONFIG_INVALID', 'builtins.shell needs roots (or builtins.fs.roots)');
  const roots = configured.map((root) => realDirectory(resolve(baseDir, root), 'builtins.shell.roots'));
  const first = roots[0] ?? '/';
  const defaultCwd =
    config.cwd !== undefined ? realDirectory(resolve(baseDir, config.cwd), 'builtins.shell.cwd') : first;
  if (!isInsideRoots(defaultCwd, roots))
    throw new WardenError('CONFIG_INVALID', 'builtins.shell.cwd must lie inside the roots');
  return { roots, defaultCwd };
}

function realDirectory(path: string, key: string): string {
  try {
    const real = realpathSync(path);
    if (statSync(real).isDirectory()) return real;
  } catch (error: unknown) {
    throw new WardenError('CONFIG_INVALID', `${key}: directory not found`, { cause: error });
  }
  throw new WardenError('CONFIG_INVALID', `${key}: not a directory`);
}
