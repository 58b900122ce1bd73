import { constants } from 'node:fs';
import { lstat, open, readlink, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { FsContext } from './context.js';
import { fsError, mapFsError } from './fs-error.js';

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/**
 * An open, verified directory. Children are reached through `base` (`/proc/self/fd/N` when anchored), so a path
 * component swapped for a symbolic link after the check cannot redirect the operation.
 */
export interface DirAnchor {
  readonly handle: FileHandle;
  /** Prefix for child operations: `${base}/${name}`. */
  readonly base: string;
  /** The canonical path the directory had when it was verified. */
  readonly real: string;
}

/** The child path of `name` inside an anchored directory. */
export function childPath(dir: DirAnchor, name: string): string {
  return `${dir.base}/${name}`;
}

/** Checks that an open descriptor still refers to `expected` (by `/proc/self/fd`, else by device and inode). */
export async function verifyDescriptor(
  ctx: FsContext,
  handle: FileHandle,
  expected: string,
  display: string,
): Promise<void> {
  if (ctx.anchored) {
    const actual = await readlink(`/proc/self/fd/${handle.fd}`);
    if (actual !== expected) throw fsError('FS_CHANGED', display);
    return;
  }
  // Best effort without /proc: the name must still resolve to itself and to the very inode that was opened.
  const [opened, named, canonical] = await Promise.all([handle.stat(), lstat(expected), realpath(expected)]);
  if (canonical !== expected || opened.dev !== named.dev || opened.ino !== named.ino)
    throw fsError('FS_CHANGED', display);
}

async function openVerified(
  ctx: FsContext,
  openPath: string,
  flags: number,
  expected: string,
  display: string,
): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(openPath, flags);
  } catch (error) {
    throw mapFsError(error, display);
  }
  try {
    await verifyDescriptor(ctx, handle, expected, display);
    return handle;
  } catch (error) {
    await handle.close();
    throw mapFsError(error, display);
  }
}

/** Opens the canonical directory `real` without following a final link, and verifies the descriptor. */
export async function openDir(ctx: FsContext, real: string, display: string): Promise<DirAnchor> {
  const handle = await openVerified(ctx, real, DIR_FLAGS, real, display);
  return { handle, base: ctx.anchored ? `/proc/self/fd/${handle.fd}` : real, real };
}

/** Opens the subdirectory `name` of an anchored directory without following links, and verifies it. */
export async function openChildDir(
  ctx: FsContext,
  parent: DirAnchor,
  name: string,
  display: string,
): Promise<DirAnchor> {
  const real = path.join(parent.real, name);
  const handle = await openVerified(ctx, childPath(parent, name), DIR_FLAGS, real, display);
  return { handle, base: ctx.anchored ? `/proc/self/fd/${handle.fd}` : real, real };
}

/**
 * Opens the entry `name` of an anchored directory with O_NOFOLLOW (and O_NONBLOCK, so a FIFO cannot hang the
 * call), verifies the descriptor, and requires a regular file.
 */
export async function openChildFile(
  ctx: FsContext,
  dir: DirAnchor,
  name: string,
  flags: number,
  display: string,
): Promise<FileHandle> {
  const all = flags | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  const handle = await openVerified(ctx, childPath(dir, name), all, path.join(dir.real, name), display);
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw fsError('FS_NOT_A_FILE', display);
  }
  return handle;
}

/** Runs `body` with the directory open, closing it afterwards. */
export async function withDir<T>(
  ctx: FsContext,
  real: string,
  display: string,
  body: (dir: DirAnchor) => Promise<T>,
): Promise<T> {
  const dir = await openDir(ctx, real, display);
  try {
    return await body(dir);
  } finally {
    await dir.handle.close();
  }
}
