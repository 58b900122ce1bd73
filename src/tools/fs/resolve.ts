import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { WardenError } from '../../errors/index.js';
import { canonicalize } from './canonicalize.js';
import { displayPath, relativeTo } from './containment.js';
import type { FsContext } from './context.js';
import { errnoCode, fsError, mapFsError } from './fs-error.js';
import { parseInputPath } from './input-path.js';
import { locate } from './locate.js';
import { rootsContaining, type FsRoot } from './roots.js';

/** A confined path after canonicalisation: where it is, relative to which root, and whether it exists yet. */
export interface ResolvedPath {
  readonly root: FsRoot;
  /** Canonical absolute path; components after `existing` did not exist when checked. */
  readonly abs: string;
  /** Relative to `root` with `/` separators; `''` is the root itself. */
  readonly rel: string;
  /** What messages show: `rel`, or `.` for a root. */
  readonly display: string;
  readonly exists: boolean;
  /** Deepest existing canonical ancestor (equal to `abs` when it exists). */
  readonly existing: string;
  readonly missing: readonly string[];
}

/** How the last component is treated when it is a symbolic link. */
export type FinalLink = 'follow' | 'keep';

/** Refuses `abs` when it, or its path relative to any root containing it, matches a deny glob. */
export function assertNotDenied(ctx: FsContext, abs: string, display: string): void {
  for (const root of rootsContaining(ctx.roots, abs)) {
    if (ctx.isDenied(relativeTo(root.real, abs))) throw fsError('FS_DENIED', display);
  }
}

function confine(ctx: FsContext, abs: string, display: string): FsRoot {
  const root = rootsContaining(ctx.roots, abs)[0];
  if (root === undefined)
    throw new WardenError('FS_SYMLINK', `a symbolic link leads outside the allowed roots: ${display}`);
  return root;
}

async function resolveFollowing(
  ctx: FsContext,
  lexical: string,
  stopAt: string,
  display: string,
): Promise<ResolvedPath> {
  const { existing, missing } = await canonicalize(lexical, stopAt, display);
  confine(ctx, existing, display);
  const abs = path.join(existing, ...missing);
  const root = confine(ctx, abs, display);
  assertNotDenied(ctx, abs, display);
  const rel = relativeTo(root.real, abs);
  return { root, abs, rel, display: displayPath(rel), exists: missing.length === 0, existing, missing };
}

async function checkLinkTarget(ctx: FsContext, location: string, display: string): Promise<void> {
  let info;
  try {
    info = await lstat(location);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw mapFsError(error, display);
  }
  if (!info.isSymbolicLink()) return;
  let target: string;
  try {
    target = await realpath(location);
  } catch (error) {
    throw fsError('FS_SYMLINK', display, error);
  }
  confine(ctx, target, display);
  assertNotDenied(ctx, target, display);
}

/**
 * Parses, confines and canonicalises an untrusted path. With `keep`, a final symbolic link names the link itself
 * (for move and delete), yet its target must still resolve inside a root and not be denied.
 */
export async function resolvePath(
  ctx: FsContext,
  input: unknown,
  finalLink: FinalLink,
): Promise<ResolvedPath> {
  const text = parseInputPath(input);
  const { lexical, root: lexRoot } = locate(ctx.roots, text);
  const display = displayPath(relativeTo(lexRoot.real, lexical));
  assertNotDenied(ctx, lexical, display);
  if (finalLink === 'follow' || lexical === lexRoot.real) {
    return resolveFollowing(ctx, lexical, lexRoot.real, display);
  }
  const parent = await resolveFollowing(ctx, path.dirname(lexical), lexRoot.real, display);
  if (!parent.exists) throw fsError('FS_NOT_FOUND', display);
  const abs = path.join(parent.abs, path.basename(lexical));
  const root = confine(ctx, abs, display);
  assertNotDenied(ctx, abs, display);
  await checkLinkTarget(ctx, abs, display);
  const rel = relativeTo(root.real, abs);
  let exists = true;
  try {
    await lstat(abs);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw mapFsError(error, display);
    exists = false;
  }
  const missing = exists ? [] : [path.basename(abs)];
  return { root, abs, rel, display: displayPath(rel), exists, existing: exists ? abs : parent.abs, missing };
}
