import type { Stats } from 'node:fs';
import type { FsContext } from './context.js';
import { fsError } from './fs-error.js';
import type { ResolvedPath } from './resolve.js';
import { isWithin } from './containment.js';
import { WardenError } from '../../errors/index.js';

/** Refuses every change when the file tools are read-only. */
export function assertWritable(ctx: FsContext): void {
  if (ctx.config.readOnly) throw fsError('FS_READ_ONLY');
}

/** Refuses a regular file with several hard links when the policy says so; it may alias a file outside the roots. */
export function assertLinkCount(ctx: FsContext, info: Stats, display: string): void {
  if (ctx.config.hardLinks === 'deny' && info.isFile() && info.nlink > 1)
    throw fsError('FS_HARDLINK', display);
}

/** Refuses a path that is a root, or that contains one, as the subject of a move or delete. */
export function assertNotRoot(ctx: FsContext, target: ResolvedPath): void {
  if (ctx.roots.some((root) => isWithin(target.abs, root.real)))
    throw fsError('FS_ROOT_PROTECTED', target.display);
}

/** Refuses a path that does not exist. */
export function assertExists(target: ResolvedPath): void {
  if (!target.exists) throw fsError('FS_NOT_FOUND', target.display);
}

/** Throws CANCELLED once the call has been aborted. */
export function assertNotAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new WardenError('CANCELLED');
}
