import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { ToolResult } from '../../mcp/wire.js';
import type { BuiltinTool } from '../types.js';
import { childPath, withDir } from './anchor.js';
import { inputSchemaOf, parseArgs, statArgsSchema } from './args.js';
import type { FsContext } from './context.js';
import { mapFsError } from './fs-error.js';
import { assertExists } from './guards.js';
import { parseInputPath } from './input-path.js';
import { resolvePath } from './resolve.js';
import type { EntryType } from './walk.js';

function typeOf(info: Stats): EntryType {
  if (info.isSymbolicLink()) return 'symlink';
  if (info.isFile()) return 'file';
  if (info.isDirectory()) return 'directory';
  return 'other';
}

async function stat(ctx: FsContext, args: Record<string, unknown>): Promise<ToolResult> {
  parseInputPath(args.path);
  const input = parseArgs(statArgsSchema, args);
  const target = await resolvePath(ctx, input.path, 'follow');
  assertExists(target);
  const info =
    target.rel === ''
      ? await withDir(ctx, target.abs, target.display, (dir) => dir.handle.stat())
      : await withDir(ctx, path.dirname(target.abs), target.display, async (dir) => {
          try {
            return await lstat(childPath(dir, path.basename(target.abs)));
          } catch (error) {
            throw mapFsError(error, target.display);
          }
        });
  const result = {
    path: target.display,
    type: typeOf(info),
    size: info.size,
    mode: (info.mode & 0o7777).toString(8).padStart(4, '0'),
    nlink: info.nlink,
    modified: info.mtime.toISOString(),
    created: info.birthtime.toISOString(),
  };
  return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
}

/** fs_stat: reports type, size, mode, link count and times of a confined path. */
export function createStatTool(ctx: FsContext): BuiltinTool {
  return {
    definition: {
      name: 'fs_stat',
      description:
        'Describe a file or directory inside the allowed roots: type, size, permissions, hard-link count and times.',
      inputSchema: inputSchemaOf(statArgsSchema),
      annotations: {
        title: 'File information',
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    call: (args) => stat(ctx, args),
  };
}
