import { lstat, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { ToolResult } from '../../mcp/wire.js';
import type { BuiltinTool } from '../types.js';
import { childPath, openChildDir, withDir, type DirAnchor } from './anchor.js';
import { deleteArgsSchema, inputSchemaOf, parseArgs } from './args.js';
import type { FsContext } from './context.js';
import { mapFsError } from './fs-error.js';
import { assertExists, assertNotRoot, assertWritable } from './guards.js';
import { parseInputPath } from './input-path.js';
import { assertTreeAllowed, emptyDir } from './remove-tree.js';
import { resolvePath, type ResolvedPath } from './resolve.js';

async function removeIn(
  ctx: FsContext,
  dir: DirAnchor,
  target: ResolvedPath,
  recursive: boolean,
  signal: AbortSignal,
): Promise<string> {
  const name = path.basename(target.abs);
  const info = await lstat(childPath(dir, name));
  if (!info.isDirectory()) {
    await unlink(childPath(dir, name));
    return info.isSymbolicLink() ? 'symlink' : 'file';
  }
  if (recursive) {
    const child = await openChildDir(ctx, dir, name, target.display);
    try {
      await assertTreeAllowed(ctx, child, target.root, target.display, signal);
      await emptyDir(ctx, child, target.display, signal);
    } finally {
      await child.handle.close();
    }
  }
  await rmdir(childPath(dir, name));
  return 'directory';
}

async function remove(
  ctx: FsContext,
  args: Record<string, unknown>,
  signal: AbortSignal,
): Promise<ToolResult> {
  parseInputPath(args.path);
  const input = parseArgs(deleteArgsSchema, args);
  assertWritable(ctx);
  const target = await resolvePath(ctx, input.path, 'keep');
  assertNotRoot(ctx, target);
  assertExists(target);
  const type = await withDir(ctx, path.dirname(target.abs), target.display, async (dir) => {
    try {
      return await removeIn(ctx, dir, target, input.recursive === true, signal);
    } catch (error) {
      throw mapFsError(error, target.display);
    }
  });
  return {
    content: [{ type: 'text', text: `deleted ${type} ${target.display}` }],
    structuredContent: { path: target.display, type },
  };
}

/** fs_delete: deletes a confined file, link or directory (recursively on request); never a root, never through links. */
export function createDeleteTool(ctx: FsContext): BuiltinTool {
  return {
    definition: {
      name: 'fs_delete',
      description:
        'Delete a file, symbolic link (the link, not its target) or directory inside the allowed roots. recursive deletes a directory and its contents; a root itself cannot be deleted.',
      inputSchema: inputSchemaOf(deleteArgsSchema),
      annotations: {
        title: 'Delete',
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    call: (args, call) => remove(ctx, args, call.signal),
  };
}
