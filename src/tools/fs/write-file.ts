import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { link, lstat, mkdir, rename, unlink } from 'node:fs/promises';
import { childPath, openChildDir, openChildFile, openDir, type DirAnchor } from './anchor.js';
import type { FsContext } from './context.js';
import { errnoCode, fsError, mapFsError } from './fs-error.js';
import { assertLinkCount } from './guards.js';

/** Mode of newly created files. */
export const NEW_FILE_MODE = 0o644;

const TEMP_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;

async function existingMode(
  ctx: FsContext,
  dir: DirAnchor,
  name: string,
  overwrite: boolean,
  display: string,
): Promise<number | undefined> {
  let info;
  try {
    info = await lstat(childPath(dir, name));
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw mapFsError(error, display);
  }
  if (info.isSymbolicLink()) throw fsError('FS_SYMLINK', display);
  if (!info.isFile()) throw fsError('FS_NOT_A_FILE', display);
  if (!overwrite) throw fsError('FS_EXISTS', display);
  assertLinkCount(ctx, info, display);
  return info.mode & 0o7777;
}

async function removeQuietly(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
}

/**
 * Writes `bytes` as `name` inside an anchored directory: into a fresh temporary file (O_EXCL, O_NOFOLLOW) that is
 * then renamed over the target, so a symbolic link planted at the name is replaced, never followed. Without
 * `overwrite` the temporary file is hard-linked into place, which fails atomically if the name appeared meanwhile.
 */
export async function writeInto(
  ctx: FsContext,
  dir: DirAnchor,
  name: string,
  bytes: Uint8Array,
  overwrite: boolean,
  display: string,
): Promise<void> {
  const mode = await existingMode(ctx, dir, name, overwrite, display);
  const temp = `.warden-${randomUUID()}.tmp`;
  const handle = await openChildFile(ctx, dir, temp, TEMP_FLAGS, display);
  try {
    try {
      await handle.writeFile(bytes);
      await handle.chmod(mode ?? NEW_FILE_MODE);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    if (overwrite) await rename(childPath(dir, temp), childPath(dir, name));
    else await link(childPath(dir, temp), childPath(dir, name));
  } catch (error) {
    await removeQuietly(childPath(dir, temp));
    throw mapFsError(error, display);
  }
  if (!overwrite) await removeQuietly(childPath(dir, temp));
}

/** Opens `existing` and creates each of `dirs` beneath it, one verified level at a time; the caller closes the result. */
export async function openCreatingDirs(
  ctx: FsContext,
  existing: string,
  dirs: readonly string[],
  display: string,
): Promise<DirAnchor> {
  let dir = await openDir(ctx, existing, display);
  for (const name of dirs) {
    try {
      await mkdir(childPath(dir, name), { mode: 0o755 });
      const child = await openChildDir(ctx, dir, name, display);
      await dir.handle.close();
      dir = child;
    } catch (error) {
      await dir.handle.close();
      throw mapFsError(error, display);
    }
  }
  return dir;
}
