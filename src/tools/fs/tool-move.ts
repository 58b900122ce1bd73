import { lstat, rename } from 'node:fs/promises';
import path from 'node:path';
import type { ToolResult } from '../../mcp/wire.js';
import type { BuiltinTool } from '../types.js';
import { childPath, openChildDir, withDir, type DirAnchor } from './anchor.js';
import { inputSchemaOf, moveArgsSchema, parseArgs } from './args.js';
import { isWithin } from './containment.js';
import type { FsContext } from './context.js';
import { errnoCode, fsError, mapFsError } from './fs-error.js';
import { assertExists, assertNotRoot, assertWritable } from './guards.js';
import { parseInputPath } from './input-path.js';
import { assertTreeAllowed } from './remove-tree.js';
import { resolvePath, type ResolvedPath } from './resolve.js';

async function checkDestination(
  to: DirAnchor,
  name: string,
  overwrite: boolean,
  display: string,
): Promise<void> {
  let info;
  try {
    info = await lstat(childPath(to, name));
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw mapFsError(error, display);
  }
  if (!overwrite || info.isDirectory()) throw fsError('FS_EXISTS', display);
}

async function moveBetween(
  ctx: FsContext,
  from: ResolvedPath,
  to: ResolvedPath,
  overwrite: boolean,
  signal: AbortSignal,
): Promise<void> {
  const fromName = path.basename(from.abs);
  await withDir(ctx, path.dirname(from.abs), from.display, (source) =>
    withDir(ctx, path.dirname(to.abs), to.display, async (destination) => {
      const info = await lstat(childPath(source, fromName));
      if (info.isDirectory()) {
        // Moving a directory carries everything under it to paths the deny globs may no longer match.
        const tree = await openChildDir(ctx, source, fromName, from.display);
        try {
          await assertTreeAllowed(ctx, tree, from.root, from.display, signal);
        } finally {
          await tree.handle.close();
        }
      }
      await checkDestination(destination, path.basename(to.abs), overwrite, to.display);
      await rename(childPath(source, fromName), childPath(destination, path.basename(to.abs)));
    }),
  );
}

async function move(ctx: FsContext, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolResult> {
  parseInputPath(args.from);
  parseInputPath(args.to);
  const input = parseArgs(moveArgsSchema, args);
  assertWritable(ctx);
  const from = await resolvePath(ctx, input.from, 'keep');
  const to = await resolvePath(ctx, input.to, 'keep');
  assertNotRoot(ctx, from);
  assertNotRoot(ctx, to);
  assertExists(from);
  if (to.missing.length > 1) throw fsError('FS_NOT_FOUND', path.posix.dirname(to.display));
  if (isWithin(from.abs, to.abs)) throw fsError('FS_BAD_PATH', 'cannot move a directory into itself');
  try {
    await moveBetween(ctx, from, to, input.overwrite === true, signal);
  } catch (error) {
    throw mapFsError(error, from.display);
  }
  const result = { from: from.display, to: to.display };
  return {
    content: [{ type: 'text', text: `moved ${from.display} to ${to.display}` }],
    structuredContent: result,
  };
}

/** fs_move: renames a confined path to another confined path; the destination is checked exactly like the source. */
export function createMoveTool(ctx: FsContext): BuiltinTool {
  return {
    definition: {
      name: 'fs_move',
      description:
        'Move or rename a file or directory inside the allowed roots. The destination is checked like the source; overwrite true replaces an existing file (never a directory).',
      inputSchema: inputSchemaOf(moveArgsSchema),
      annotations: {
        title: 'Move',
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    call: (args, call) => move(ctx, args, call.signal),
  };
}
