import type { ToolResult } from '../../mcp/wire.js';
import type { BuiltinTool } from '../types.js';
import { inputSchemaOf, parseArgs, writeArgsSchema } from './args.js';
import type { FsContext } from './context.js';
import { fsError } from './fs-error.js';
import { assertWritable } from './guards.js';
import { parseInputPath } from './input-path.js';
import { resolvePath } from './resolve.js';
import { openCreatingDirs, writeInto } from './write-file.js';
import path from 'node:path';
import { WardenError } from '../../errors/index.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeContent(content: string, encoding: 'utf8' | 'base64' | undefined, maxBytes: number): Buffer {
  // Reject before decoding so a huge argument never becomes a huge buffer.
  if (content.length > maxBytes * 4) throw fsError('FS_TOO_LARGE');
  if (encoding === 'base64') {
    const compact = content.replace(/\s+/g, '');
    if (compact.length % 4 !== 0 || !BASE64.test(compact))
      throw new WardenError('ARGS_INVALID', 'content is not valid base64');
    return Buffer.from(compact, 'base64');
  }
  return Buffer.from(content, 'utf8');
}

async function write(ctx: FsContext, args: Record<string, unknown>): Promise<ToolResult> {
  parseInputPath(args.path);
  const input = parseArgs(writeArgsSchema, args);
  assertWritable(ctx);
  const bytes = decodeContent(input.content, input.encoding, ctx.config.maxWriteBytes);
  if (bytes.length > ctx.config.maxWriteBytes) throw fsError('FS_TOO_LARGE');
  const target = await resolvePath(ctx, input.path, 'follow');
  if (target.rel === '') throw fsError('FS_NOT_A_FILE', target.display);
  const dirs = target.missing.slice(0, -1);
  if (dirs.length > 0 && input.createDirs !== true)
    throw fsError('FS_NOT_FOUND', path.posix.dirname(target.display));
  const parent = target.exists ? path.dirname(target.abs) : target.existing;
  const dir = await openCreatingDirs(ctx, parent, dirs, target.display);
  try {
    await writeInto(ctx, dir, path.basename(target.abs), bytes, input.overwrite ?? true, target.display);
  } finally {
    await dir.handle.close();
  }
  const result = { path: target.display, bytes: bytes.length, created: !target.exists };
  return {
    content: [{ type: 'text', text: `wrote ${bytes.length} bytes to ${target.display}` }],
    structuredContent: result,
  };
}

/** fs_write: writes a confined file atomically (temporary file and rename), never following symbolic links. */
export function createWriteTool(ctx: FsContext): BuiltinTool {
  return {
    definition: {
      name: 'fs_write',
      description:
        'Write a file inside the allowed roots, atomically. encoding base64 writes bytes; createDirs makes missing parent directories; overwrite false refuses an existing file.',
      inputSchema: inputSchemaOf(writeArgsSchema),
      annotations: {
        title: 'Write file',
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    call: (args) => write(ctx, args),
  };
}
