import * as z from 'zod';
import { WardenError } from '../../errors/index.js';

/** Largest page of entries fs_list returns in one call. */
export const MAX_LIST_ENTRIES = 10_000;
/** Entries fs_list returns when the caller does not say. */
export const DEFAULT_LIST_ENTRIES = 1000;
/** Longest content regular expression fs_search accepts, in characters. */
export const MAX_REGEX_CHARS = 512;

const pathField = z.string().min(1).describe('Path relative to the first root, or absolute inside a root.');
const encoding = z.enum(['utf8', 'base64']);

/** Arguments of fs_read. */
export const readArgsSchema = z.strictObject({
  path: pathField,
  encoding: encoding
    .optional()
    .describe('utf8 returns text; base64 returns the bytes; absent: text unless the file is binary.'),
  offset: z.number().int().min(0).optional().describe('First byte to read.'),
  length: z.number().int().min(0).optional().describe('Most bytes to read; default: to the end of the file.'),
});

/** Arguments of fs_write. */
export const writeArgsSchema = z.strictObject({
  path: pathField,
  content: z.string().describe('The new content of the file.'),
  encoding: encoding.optional().describe('How content is encoded; default utf8.'),
  createDirs: z.boolean().optional().describe('Create missing parent directories; default false.'),
  overwrite: z.boolean().optional().describe('Replace an existing file; default true.'),
});

/** Arguments of fs_list. */
export const listArgsSchema = z.strictObject({
  path: pathField,
  recursive: z
    .boolean()
    .optional()
    .describe('List subdirectories too (never through symbolic links); default false.'),
  maxEntries: z
    .number()
    .int()
    .min(1)
    .max(MAX_LIST_ENTRIES)
    .optional()
    .describe('Most entries returned; default 1000.'),
});

/** Arguments of fs_stat. */
export const statArgsSchema = z.strictObject({ path: pathField });

/** Arguments of fs_move. */
export const moveArgsSchema = z.strictObject({
  from: pathField,
  to: pathField,
  overwrite: z.boolean().optional().describe('Replace an existing destination file; default false.'),
});

/** Arguments of fs_delete. */
export const deleteArgsSchema = z.strictObject({
  path: pathField,
  recursive: z.boolean().optional().describe('Delete a directory and everything in it; default false.'),
});

/** Arguments of fs_search. */
export const searchArgsSchema = z.strictObject({
  path: pathField,
  pattern: z
    .string()
    .min(1)
    .max(1000)
    .describe('Glob over names (a pattern without / matches the base name).'),
  contentRegex: z
    .string()
    .min(1)
    .max(MAX_REGEX_CHARS)
    .optional()
    .describe(
      'JavaScript regular expression matched against the first 4096 characters of each line of text files; patterns that may backtrack catastrophically are refused.',
    ),
  maxResults: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Most results returned; capped by the configuration.'),
});

/** The JSON Schema of a tool's arguments, generated from its zod schema. */
export function inputSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input' });
  return rest;
}

/** Parses tool arguments, refusing anything the schema does not describe. */
export function parseArgs<T>(schema: z.ZodType<T>, args: unknown): T {
  const parsed = schema.safeParse(args);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first === undefined || first.path.length === 0 ? '' : ` at ${first.path.join('.')}`;
    throw new WardenError('ARGS_INVALID', `arguments do not match the tool schema${where}`);
  }
  return parsed.data;
}
