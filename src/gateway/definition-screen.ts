import { PREFIX_SEPARATOR, type UpstreamListing } from './catalog.js';

/** Tool names as the MCP specification (2025-11-25) allows them: ASCII letters, digits, `_`, `-` and `.`. */
export const TOOL_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;

/** Deepest nesting examined in one definition; anything deeper is refused rather than walked. */
const MAX_SCREEN_DEPTH = 64;

/**
 * Characters a reader does not see but a model does: format characters (zero-width spaces and joiners, bidi
 * overrides and isolates, Unicode tag characters that spell ASCII invisibly, soft hyphens, BOM), control
 * characters, Hangul fillers, and variation selectors other than a single one of the basic sixteen (one after an
 * emoji is how it is spelled; a run of them, or the supplement's, hides bytes).
 */
const HIDDEN =
  /[\p{Cf}\p{Cc}\u115F\u1160\u3164\uFFA0]|\p{Variation_Selector}{2}|(?![\uFE00-\uFE0F])\p{Variation_Selector}/u;
const HIDDEN_ALL = new RegExp(HIDDEN.source, 'gu');

/** Tabs and line ends are the control characters text may carry. */
const LAYOUT = /[\t\n\r]/g;

/** A zero-width joiner inside an emoji sequence (👩‍💻) is how those emoji are spelled, not hidden text. */
const EMOJI_JOINER =
  /(?<=\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\uFE0F)?)\u200D(?=\p{Extended_Pictographic})/gu;

/** True when a string holds a character from {@link HIDDEN}. */
export function hasHiddenText(text: string): boolean {
  return HIDDEN.test(text.replace(LAYOUT, '').replace(EMOJI_JOINER, ''));
}

/** True when any key or string anywhere in `value` hides text; too deep a value counts as hiding. */
export function hidesText(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return hasHiddenText(value);
  if (typeof value !== 'object' || value === null) return false;
  if (depth >= MAX_SCREEN_DEPTH) return true;
  if (Array.isArray(value)) return value.some((item) => hidesText(item, depth + 1));
  for (const [key, item] of Object.entries(value)) {
    if (hasHiddenText(key) || hidesText(item, depth + 1)) return true;
  }
  return false;
}

/** An item left out of an upstream's listing, and why. */
export interface RefusedDefinition {
  kind: 'tool' | 'prompt' | 'resource' | 'resource template';
  /** The name or URI, with hidden characters shown as code points so that logs stay readable. */
  name: string;
  reason: string;
}

function visible(text: unknown): string {
  return String(text)
    .slice(0, 128)
    .replace(HIDDEN_ALL, (c) => `<U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}>`);
}

/**
 * The upstream whose namespace `name` (of an unprefixed listing) would enter: `github__delete` listed by another
 * upstream would be read, and matched by policy globs such as `github__*`, as a tool of upstream `github`.
 */
function takenPrefix(name: string, reservedPrefixes: readonly string[]): string | undefined {
  const folded = name.toLowerCase();
  return reservedPrefixes.find((p) => folded.startsWith(`${p.toLowerCase()}${PREFIX_SEPARATOR}`));
}

/**
 * Drops from an upstream's listing every tool whose name is outside the MCP character set (look-alike letters,
 * invisible characters, names only a machine can tell apart), every tool or prompt of an unprefixed listing whose
 * name takes the prefix of a prefixed upstream (`reservedPrefixes`, the names of those upstreams), and every
 * tool, prompt or resource whose text hides characters from the person reading it (tool poisoning). What was
 * dropped is returned for logging.
 */
export function screenListing(
  listing: UpstreamListing,
  reservedPrefixes: readonly string[] = [],
): {
  listing: UpstreamListing;
  refused: RefusedDefinition[];
} {
  const refused: RefusedDefinition[] = [];
  const imitated = (name: unknown): string | undefined => {
    if (listing.prefix || typeof name !== 'string') return undefined;
    const prefix = takenPrefix(name, reservedPrefixes);
    return prefix === undefined ? undefined : `name takes the prefix of upstream "${prefix}"`;
  };
  const keep = <T extends Record<string, unknown>>(
    items: readonly T[],
    kind: RefusedDefinition['kind'],
    label: (item: T) => unknown,
    nameProblem: (item: T) => string | undefined = () => undefined,
  ): T[] =>
    items.filter((item) => {
      const reason =
        nameProblem(item) ?? (hidesText(item) ? 'hidden characters in its definition' : undefined);
      if (reason !== undefined) refused.push({ kind, name: visible(label(item)), reason });
      return reason === undefined;
    });
  const screened: UpstreamListing = {
    ...listing,
    tools: keep(
      listing.tools,
      'tool',
      (t) => t.name,
      (t) =>
        TOOL_NAME_PATTERN.test(t.name) ? imitated(t.name) : 'name outside the MCP tool-name characters',
    ),
    prompts: keep(
      listing.prompts,
      'prompt',
      (p) => p.name,
      (p) => imitated(p.name),
    ),
    resources: keep(listing.resources, 'resource', (r) => r.uri),
    resourceTemplates: keep(listing.resourceTemplates, 'resource template', (t) => t.uriTemplate),
  };
  return { listing: screened, refused };
}
