import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { openChildFile, withDir } from './anchor.js';
import type { FsContext } from './context.js';
import { fsError } from './fs-error.js';
import { assertLinkCount } from './guards.js';
import type { ResolvedPath } from './resolve.js';

/** A byte range read from a confined file. */
export interface FileBytes {
  readonly bytes: Buffer;
  readonly size: number;
  readonly offset: number;
}

/** Reads `length` bytes at `offset` from an open file, stopping early at end of file. */
async function readRange(handle: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/**
 * Reads a confined regular file through a verified descriptor: O_NOFOLLOW on the name, inside an anchored parent,
 * with the hard-link policy and the size cap checked on the opened descriptor itself.
 */
export async function readConfinedFile(
  ctx: FsContext,
  target: ResolvedPath,
  offset = 0,
  length?: number,
): Promise<FileBytes> {
  if (!target.exists) throw fsError('FS_NOT_FOUND', target.display);
  if (target.rel === '') throw fsError('FS_NOT_A_FILE', target.display);
  return withDir(ctx, path.dirname(target.abs), target.display, async (dir) => {
    const handle = await openChildFile(
      ctx,
      dir,
      path.basename(target.abs),
      constants.O_RDONLY,
      target.display,
    );
    try {
      const info = await handle.stat();
      assertLinkCount(ctx, info, target.display);
      const available = Math.max(0, info.size - offset);
      const wanted = Math.min(length ?? available, available);
      if (wanted > ctx.config.maxReadBytes) throw fsError('FS_TOO_LARGE', target.display);
      return { bytes: await readRange(handle, offset, wanted), size: info.size, offset };
    } finally {
      await handle.close();
    }
  });
}
