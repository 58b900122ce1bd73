import type { ToolContent, ToolResult } from '../../mcp/wire.js';
import type { BuiltinTool } from '../types.js';
import { inputSchemaOf, parseArgs, readArgsSchema } from './args.js';
import type { FsContext } from './context.js';
import { parseInputPath } from './input-path.js';
import { asText, mimeTypeOf } from './mime.js';
import { readConfinedFile } from './read-bytes.js';
import { resolvePath, type ResolvedPath } from './resolve.js';

function binaryContent(target: ResolvedPath, bytes: Buffer, mimeType: string): ToolContent {
  const data = bytes.toString('base64');
  if (mimeType.startsWith('image/') && mimeType !== 'image/svg+xml') return { type: 'image', data, mimeType };
  const uri = `warden-fs://root${target.root.index}/${target.rel.split('/').map(encodeURIComponent).join('/')}`;
  return { type: 'resource', resource: { uri, mimeType, blob: data } };
}

async function read(ctx: FsContext, args: Record<string, unknown>): Promise<ToolResult> {
  parseInputPath(args.path);
  const input = parseArgs(readArgsSchema, args);
  const target = await resolvePath(ctx, input.path, 'follow');
  const { bytes, size, offset } = await readConfinedFile(ctx, target, input.offset ?? 0, input.length);
  const mimeType = mimeTypeOf(target.abs);
  const text =
    input.encoding === 'base64'
      ? undefined
      : input.encoding === 'utf8'
        ? bytes.toString('utf8')
        : asText(bytes);
  const meta = { path: target.display, size, offset, length: bytes.length, mimeType };
  if (text !== undefined)
    return { content: [{ type: 'text', text }], structuredContent: { ...meta, encoding: 'utf8' } };
  return {
    content: [binaryContent(target, bytes, mimeType)],
    structuredContent: { ...meta, encoding: 'base64' },
  };
}

/** fs_read: returns a confined file as text, or as base64 with its MIME type when it is binary. */
export function createReadTool(ctx: FsContext): BuiltinTool {
  return {
    definition: {
      name: 'fs_read',
      description:
        'Read a file inside the allowed roots. Text comes back as text; binary files as base64 with a MIME type. offset and length select a byte range.',
      inputSchema: inputSchemaOf(readArgsSchema),
      annotations: {
        title: 'Read file',
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    call: (args) => read(ctx, args),
  };
}
