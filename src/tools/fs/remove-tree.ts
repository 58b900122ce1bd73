import { lstat, readdir, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { WardenError } from '../../errors/index.js';
import { childPath, openChildDir, type DirAnchor } from './anchor.js';
import type { FsContext } from './context.js';
import { fsError, mapFsError } from './fs-error.js';
import { assertNotDenied } from './resolve.js';
import type { FsRoot } from './roots.js';
import { MAX_WALK_DEPTH, walk } from './walk.js';

/** Refuses when anything under the anchored directory is denied, before a move or delete touches the tree. */
export async function assertTreeAllowed(
  ctx: FsContext,
  dir: DirAnchor,
  root: FsRoot,
  display: string,
  signal: AbortSignal,
): Promise<void> {
  for await (const entry of walk(ctx, dir, { root, recursive: true, signal })) {
    if (entry.denied) throw fsError('FS_DENIED', display);
  }
}

async function removeEntry(
  ctx: FsContext,
  dir: DirAnchor,
  name: string,
  display: string,
  signal: AbortSignal,
  depth: number,
): Promise<void> {
  // Re-checked per entry: the pre-pass is bounded, and the tree may change between the pass and the removal.
  assertNotDenied(ctx, path.join(dir.real, name), display);
  const info = await lstat(childPath(dir, name));
  if (!info.isDirectory()) {
    await unlink(childPath(dir, name));
    return;
  }
  const child = await openChildDir(ctx, dir, name, display);
  try {
    await emptyDir(ctx, child, display, signal, depth + 1);
  } finally {
    await child.handle.close();
  }
  await rmdir(childPath(dir, name));
}

/** Empties an anchored directory without following links: links and files are unlinked, directories emptied and removed. */
export async function emptyDir(
  ctx: FsContext,
  dir: DirAnchor,
  display: string,
  signal: AbortSignal,
  depth = 0,
): Promise<void> {
  if (depth > MAX_WALK_DEPTH) throw fsError('FS_TOO_LARGE', display);
  const names = await readdir(dir.base);
  for (const name of names) {
    if (signal.aborted) throw new WardenError('CANCELLED');
    try {
      await removeEntry(ctx, dir, name, display, signal, depth);
    } catch (error) {
      throw mapFsError(error, display);
    }
  }
}
