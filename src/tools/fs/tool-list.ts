import { lstat } from 'node:fs/promises';
import type { ToolResult } from '../../mcp/wire.js';
import type { BuiltinTool } from '../types.js';
import { withDir } from './anchor.js';
import { DEFAULT_LIST_ENTRIES, inputSchemaOf, listArgsSchema, parseArgs } from './args.js';
import type { FsContext } from './context.js';
import { errnoCode } from './fs-error.js';
import { assertExists } from './guards.js';
import { parseInputPath } from './input-path.js';
import { resolvePath } from './resolve.js';
import { entryPath, walk, type EntryType } from './walk.js';

interface ListedEntry {
  path: string;
  type: EntryType;
  size?: number;
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await lstat(file)).size;
  } catch (error) {
    // The entry vanished or changed since it was listed; list it without a size rather than fail the listing.
    if (errnoCode(error) !== undefined) return undefined;
    throw error;
  }
}

async function list(ctx: FsContext, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolResult> {
  parseInputPath(args.path);
  const input = parseArgs(listArgsSchema, args);
  const target = await resolvePath(ctx, input.path, 'follow');
  assertExists(target);
  const limit = input.maxEntries ?? DEFAULT_LIST_ENTRIES;
  const entries: ListedEntry[] = [];
  let truncated = false;
  await withDir(ctx, target.abs, target.display, async (dir) => {
    for await (const entry of walk(ctx, dir, {
      root: target.root,
      recursive: input.recursive === true,
      signal,
      onLimit: () => (truncated = true),
    })) {
      if (entry.denied) continue;
      if (entries.length >= limit) {
        truncated = true;
        break;
      }
      const listed: ListedEntry = { path: entry.rel, type: entry.type };
      if (entry.type === 'file') {
        const size = await sizeOf(entryPath(entry));
        if (size !== undefined) listed.size = size;
      }
      entries.push(listed);
    }
  });
  const lines = entries.map(
    (e) =>
      `${e.type === 'directory' ? 'dir ' : e.type === 'symlink' ? 'link' : e.type === 'file' ? 'file' : 'othr'} ${e.path}`,
  );
  if (truncated) lines.push(`(truncated at ${limit} entries)`);
  return {
    content: [{ type: 'text', text: lines.join('\n') }],
    structuredContent: { path: target.display, entries, truncated },
  };
}

/** fs_list: lists a confined directory, optionally recursively, never through symbolic links and never denied entries. */
export function createListTool(ctx: FsContext): BuiltinTool {
  return {
    definition: {
      name: 'fs_list',
      description:
        'List a directory inside the allowed roots. recursive descends into subdirectories but never through symbolic links, which are reported as links.',
      inputSchema: inputSchemaOf(listArgsSchema),
      annotations: {
        title: 'List directory',
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    call: (args, call) => list(ctx, args, call.signal),
  };
}
