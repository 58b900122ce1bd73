import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { WardenError } from '../../errors/index.js';
import { childPath, openChildDir, type DirAnchor } from './anchor.js';
import { relativeTo } from './containment.js';
import type { FsContext } from './context.js';
import { fsError, mapFsError } from './fs-error.js';
import { assertNotDenied } from './resolve.js';
import type { FsRoot } from './roots.js';

/** Deepest directory level a walk descends to. */
export const MAX_WALK_DEPTH = 64;
/** Most entries one walk visits, so a huge tree cannot pin the gateway. */
export const MAX_WALK_ENTRIES = 100_000;

/** What kind of entry a walk met; symbolic links are reported as such and never followed. */
export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

/** One entry met by {@link walk}; `dir` stays open while the consumer handles the entry. */
export interface WalkEntry {
  readonly name: string;
  readonly rel: string;
  readonly abs: string;
  readonly type: EntryType;
  readonly denied: boolean;
  readonly depth: number;
  readonly dir: DirAnchor;
}

/** Options of {@link walk}. */
export interface WalkOptions {
  readonly root: FsRoot;
  readonly recursive: boolean;
  readonly signal?: AbortSignal;
  /**
   * Called once when the entry or depth limit cuts the walk short. Without it the walk throws FS_TOO_LARGE, which is
   * what checks that must see the whole tree (move, delete) want.
   */
  readonly onLimit?: () => void;
}

function limitReached(
  options: WalkOptions,
  budget: { left: number; reported: boolean },
  display: string,
): void {
  if (options.onLimit === undefined) throw fsError('FS_TOO_LARGE', display);
  if (!budget.reported) options.onLimit();
  budget.reported = true;
}

function entryType(entry: {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}): EntryType {
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'directory';
  return 'other';
}

function isDenied(ctx: FsContext, abs: string): boolean {
  try {
    assertNotDenied(ctx, abs, '');
    return false;
  } catch (error) {
    if (error instanceof WardenError && error.code === 'FS_DENIED') return true;
    throw error;
  }
}

async function* walkDir(
  ctx: FsContext,
  dir: DirAnchor,
  options: WalkOptions,
  depth: number,
  budget: { left: number; reported: boolean },
): AsyncGenerator<WalkEntry> {
  const display = relativeTo(options.root.real, dir.real) || '.';
  let names;
  try {
    names = await readdir(dir.base, { withFileTypes: true });
  } catch (error) {
    throw mapFsError(error, display);
  }
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const subdirs: WalkEntry[] = [];
  for (const dirent of names) {
    if (options.signal?.aborted === true) throw new WardenError('CANCELLED');
    if (budget.left <= 0) {
      limitReached(options, budget, display);
      return;
    }
    budget.left -= 1;
    const abs = path.join(dir.real, dirent.name);
    const entry: WalkEntry = {
      name: dirent.name,
      rel: relativeTo(options.root.real, abs),
      abs,
      type: entryType(dirent),
      denied: isDenied(ctx, abs),
      depth,
      dir,
    };
    yield entry;
    if (entry.type === 'directory' && !entry.denied) subdirs.push(entry);
  }
  if (!options.recursive) return;
  if (depth >= MAX_WALK_DEPTH && subdirs.length > 0) {
    limitReached(options, budget, display);
    return;
  }
  for (const sub of subdirs) {
    const child = await openChildDir(ctx, dir, sub.name, sub.rel);
    try {
      yield* walkDir(ctx, child, options, depth + 1, budget);
    } finally {
      await child.handle.close();
    }
  }
}

/**
 * Walks an anchored directory depth-first in name order. Subdirectories are opened through their verified parent
 * with O_NOFOLLOW, so the walk never descends through a symbolic link, even one swapped in during the walk; denied
 * directories are reported (flagged) but never entered.
 */
export function walk(ctx: FsContext, start: DirAnchor, options: WalkOptions): AsyncGenerator<WalkEntry> {
  return walkDir(ctx, start, options, 0, { left: MAX_WALK_ENTRIES, reported: false });
}

/** The path of an entry inside its anchored directory, for operations on it. */
export function entryPath(entry: WalkEntry): string {
  return childPath(entry.dir, entry.name);
}
