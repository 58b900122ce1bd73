import { constants } from 'node:fs';
import picomatch from 'picomatch';
import type { ToolResult } from '../../mcp/wire.js';
import { WardenError } from '../../errors/index.js';
import { assertSafeRegex, MAX_REGEX_INPUT_CHARS } from '../../policy/index.js';
import type { BuiltinTool } from '../types.js';
import { openChildFile, withDir, type DirAnchor } from './anchor.js';
import { inputSchemaOf, parseArgs, searchArgsSchema } from './args.js';
import type { FsContext } from './context.js';
import { relativeTo } from './containment.js';
import { assertExists } from './guards.js';
import { parseInputPath } from './input-path.js';
import { asText } from './mime.js';
import { resolvePath } from './resolve.js';
import { walk } from './walk.js';

/** Longest excerpt of a matching line returned, in characters. */
export const MAX_LINE_CHARS = 200;
/**
 * Longest stretch of line matching between two turns of the event loop. A regex cannot be interrupted, but a
 * safe one (assertSafeRegex) takes at most about 0.1 s on one line: matching a large file in slices keeps
 * every other client served meanwhile.
 */
export const MATCH_SLICE_MS = 10;

interface SearchHit {
  path: string;
  type: string;
  line?: number;
  text?: string;
}

function compileRegex(source: string): RegExp {
  try {
    // Node regexes cannot be interrupted, so patterns prone to catastrophic backtracking are refused up front.
    assertSafeRegex(source);
    return new RegExp(source);
  } catch (error) {
    throw new WardenError('ARGS_INVALID', 'contentRegex is not a valid or safe regular expression', {
      cause: error,
    });
  }
}

/** Reads a file for content search, or undefined when policy or size says to skip it (hard links, binary, too big). */
async function searchableText(
  ctx: FsContext,
  dir: DirAnchor,
  name: string,
  rel: string,
): Promise<string | undefined> {
  const handle = await openChildFile(ctx, dir, name, constants.O_RDONLY, rel);
  try {
    const info = await handle.stat();
    if (info.size > ctx.config.maxReadBytes) return undefined;
    if (ctx.config.hardLinks === 'deny' && info.nlink > 1) return undefined;
    return asText(await handle.readFile());
  } finally {
    await handle.close();
  }
}

/** A file that changed or cannot be opened safely mid-search is left out rather than failing the whole search. */
async function skipUnreadable(pending: Promise<string | undefined>): Promise<string | undefined> {
  try {
    return await pending;
  } catch (error) {
    if (error instanceof WardenError && error.code !== 'CANCELLED') return undefined;
    throw error;
  }
}

/** Time spent matching lines in one search, handed between files, and how much it may spend. */
interface MatchClock {
  spentMs: number;
  readonly budgetMs: number;
}

async function matchLines(
  text: string,
  regex: RegExp,
  rel: string,
  room: number,
  clock: MatchClock,
  signal: AbortSignal,
): Promise<SearchHit[]> {
  const hits: SearchHit[] = [];
  const lines = text.split('\n');
  let sliceStart = performance.now();
  for (let i = 0; i < lines.length && hits.length < room; i += 1) {
    const now = performance.now();
    if (now - sliceStart >= MATCH_SLICE_MS) {
      clock.spentMs += now - sliceStart;
      if (clock.spentMs >= clock.budgetMs)
        throw new WardenError('TIMEOUT', `content search took longer than ${clock.budgetMs} ms`);
      await new Promise((resolve) => setImmediate(resolve));
      if (signal.aborted) throw new WardenError('CANCELLED');
      sliceStart = performance.now();
    }
    const line = lines[i] ?? '';
    if (regex.test(line.slice(0, MAX_REGEX_INPUT_CHARS)))
      hits.push({ path: rel, type: 'file', line: i + 1, text: line.slice(0, MAX_LINE_CHARS) });
  }
  clock.spentMs += performance.now() - sliceStart;
  return hits;
}

async function search(
  ctx: FsContext,
  args: Record<string, unknown>,
  signal: AbortSignal,
): Promise<ToolResult> {
  parseInputPath(args.path);
  const input = parseArgs(searchArgsSchema, args);
  const regex = input.contentRegex === undefined ? undefined : compileRegex(input.contentRegex);
  const isMatch = picomatch(input.pattern, { dot: true, basename: true });
  const target = await resolvePath(ctx, input.path, 'follow');
  assertExists(target);
  const limit = Math.min(input.maxResults ?? ctx.config.maxSearchResults, ctx.config.maxSearchResults);
  const hits: SearchHit[] = [];
  const clock: MatchClock = { spentMs: 0, budgetMs: ctx.config.searchTimeoutMs };
  let truncated = false;
  await withDir(ctx, target.abs, target.display, async (dir) => {
    for await (const entry of walk(ctx, dir, {
      root: target.root,
      recursive: true,
      signal,
      onLimit: () => (truncated = true),
    })) {
      if (hits.length >= limit) {
        truncated = true;
        break;
      }
      if (entry.denied || !isMatch(relativeTo(target.abs, entry.abs))) continue;
      if (regex === undefined) {
        hits.push({ path: entry.rel, type: entry.type });
        continue;
      }
      if (entry.type !== 'file') continue;
      const text = await skipUnreadable(searchableText(ctx, entry.dir, entry.name, entry.rel));
      if (text !== undefined)
        hits.push(...(await matchLines(text, regex, entry.rel, limit - hits.length, clock, signal)));
    }
  });
  const lines = hits.map((h) => (h.line === undefined ? h.path : `${h.path}:${h.line}: ${h.text ?? ''}`));
  if (truncated) lines.push(`(truncated at ${limit} results)`);
  return {
    content: [{ type: 'text', text: lines.join('\n') }],
    structuredContent: { path: target.display, results: hits, truncated },
  };
}

/** fs_search: finds names matching a glob (and lines matching a regex) under a confined directory, skipping denied files. */
export function createSearchTool(ctx: FsContext): BuiltinTool {
  return {
    definition: {
      name: 'fs_search',
      description:
        'Search a directory tree inside the allowed roots for names matching a glob, and optionally for lines matching contentRegex. Never follows symbolic links; denied files never appear.',
      inputSchema: inputSchemaOf(searchArgsSchema),
      annotations: {
        title: 'Search files',
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    call: (args, call) => search(ctx, args, call.signal),
  };
}
