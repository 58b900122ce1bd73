import { WardenError } from '../errors/index.js';
import { assertSafeRegex, MAX_REGEX_SOURCE_CHARS } from '../policy/regex-safety.js';
import { SECRET_PATTERNS, type SecretPattern } from './secret-patterns.js';

/** Options for {@link createRedactor}. */
export interface RedactorOptions {
  /** Extra regular expressions (JavaScript syntax) whose matches are masked as `[REDACTED:pattern]`. */
  patterns?: readonly string[];
}

/** Masks secrets in text and in structured values. */
export interface Redactor {
  /** The text with every recognised secret replaced by `[REDACTED:<kind>]`. */
  redactText(text: string): string;
  /** A deep copy of `value` with secrets in strings, and values under key-like names, masked. */
  redactValue(value: unknown): unknown;
  /** Like redactValue, and says whether anything was masked (callers then reuse what they derived from the input). */
  redactValueReport(value: unknown): { value: unknown; changed: boolean };
}

/** Shortest text any built-in secret format can occupy; shorter strings skip the regexes entirely. */
const MIN_SECRET_CHARS = 8;
/** Nesting beyond this is replaced rather than walked: hostile arguments must not exhaust the stack. */
const MAX_REDACT_DEPTH = 128;
/** Bits per character above which a value under a token-like key counts as a secret. */
const MIN_SECRET_ENTROPY_BITS = 3;

// Values under these names are secrets whatever they look like (passwords are often short and guessable).
const ALWAYS_SECRET_KEY = /password|passwd|passphrase|^pwd$|^pass$|secret|privatekey/;
// Values under these names are secrets when they look like one (long enough and not plain words).
const TOKEN_LIKE_KEY =
  /token|apikey|authorization|^auth$|credential|accesskey|cookie|^sessionid$|signature|^key$|sessionkey|^xapikey$/;

// A command-line option that names its value: `--password`, `-token`, `--api-key` (group 1 is the name).
const OPTION_NAME = /^--?([A-Za-z][A-Za-z0-9_-]{0,63})$/;
// The scheme before the credentials of an Authorization value (`Token abc…`, RFC 9110 §11.4): the credentials
// decide, not the space after the scheme.
const AUTH_SCHEME = /^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,63}\s+(?=\S+$)/;

/** Every built-in pattern's hints in one regex: most text holds none, and then no pattern needs a look. */
const ANY_HINT = new RegExp(
  [...new Set(SECRET_PATTERNS.flatMap((p) => p.hints))]
    .map((h) => h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|'),
);

/** Creates a redactor from the built-in secret formats plus the configured patterns. */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const extra = (options.patterns ?? []).map(compileConfigured);
  const redactText = (text: string): string => redactString(text, extra);
  const redactValueReport = (value: unknown): { value: unknown; changed: boolean } => {
    const state: WalkState = { redactText, changed: false };
    return { value: walk(value, undefined, 0, state), changed: state.changed };
  };
  const redactValue = (value: unknown): unknown => redactValueReport(value).value;
  return { redactText, redactValue, redactValueReport };
}

interface WalkState {
  redactText: (text: string) => string;
  /** Set once anything was masked. */
  changed: boolean;
}

function compileConfigured(source: string, index: number): SecretPattern {
  let regex: RegExp;
  try {
    regex = new RegExp(source, 'g');
  } catch (cause) {
    throw new WardenError('CONFIG_INVALID', `redact.patterns[${index}] is not a valid regular expression`, {
      cause,
    });
  }
  try {
    // Clients choose the text every pattern runs over: one that backtracks badly (`(a+)+$`) stalls the gateway.
    assertSafeRegex(source);
  } catch (cause) {
    throw new WardenError(
      'CONFIG_INVALID',
      `redact.patterns[${index}] could backtrack too much (nested or chained repeats, a backreference, or over ${MAX_REGEX_SOURCE_CHARS} characters)`,
      { cause },
    );
  }
  return { kind: 'pattern', regex, hints: [] };
}

function mask(kind: string): string {
  return `[REDACTED:${kind}]`;
}

function redactString(text: string, extra: readonly SecretPattern[]): string {
  let out = text;
  if (text.length >= MIN_SECRET_CHARS) {
    const lower = text.toLowerCase();
    if (ANY_HINT.test(lower)) {
      for (const pattern of SECRET_PATTERNS) {
        if (!pattern.hints.some((h) => lower.includes(h))) continue;
        out = applyPattern(out, pattern);
      }
    }
  }
  for (const pattern of extra) out = applyPattern(out, pattern);
  return out;
}

function applyPattern(text: string, pattern: SecretPattern): string {
  pattern.regex.lastIndex = 0;
  return text.replace(pattern.regex, (match: string, ...groups: unknown[]) => {
    if (match.length === 0) return match;
    const label = pattern.keep && typeof groups[0] === 'string' ? groups[0] : '';
    const secret = match.slice(label.length);
    if (pattern.accept && !pattern.accept(secret)) return match;
    return label + mask(pattern.kind);
  });
}

function walk(value: unknown, key: string | undefined, depth: number, state: WalkState): unknown {
  if (typeof value === 'string')
    return key === undefined ? text(value, state) : redactField(key, value, state);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_REDACT_DEPTH) {
    state.changed = true;
    return mask('depth');
  }
  if (Array.isArray(value)) return walkArray(value, key, depth, state);
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
    return value;
  // No prototype: a key named "__proto__" (JSON.parse makes it an own key) must stay a key, not replace the
  // prototype and vanish with everything under it, out of the audit record.
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) out[text(k, state)] = walk(v, k, depth + 1, state);
  return out;
}

/**
 * An argv such as `["mysql", "--password", "hunter2"]`: the value after an option is judged as if it sat under
 * the option's name, as `--password=hunter2` in one string would be by the credential pattern.
 */
function walkArray(
  items: readonly unknown[],
  key: string | undefined,
  depth: number,
  state: WalkState,
): unknown[] {
  let option: string | undefined;
  return items.map((item: unknown) => {
    const out = walk(item, option ?? key, depth + 1, state);
    option = typeof item === 'string' ? OPTION_NAME.exec(item)?.[1] : undefined;
    return out;
  });
}

function text(value: string, state: WalkState): string {
  const out = state.redactText(value);
  if (out !== value) state.changed = true;
  return out;
}

function redactField(key: string, value: string, state: WalkState): string {
  const name = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (value.length > 0 && !value.startsWith('[REDACTED:')) {
    if (ALWAYS_SECRET_KEY.test(name) || (TOKEN_LIKE_KEY.test(name) && looksLikeSecret(value))) {
      state.changed = true;
      return mask('field');
    }
  }
  const out = text(value, state);
  if (out === value && TOKEN_LIKE_KEY.test(name) && looksLikeSecret(value.replace(AUTH_SCHEME, ''))) {
    state.changed = true;
    return mask('field');
  }
  return out;
}

/** True for values long and varied enough to be a credential rather than a word, a flag or a small number. */
function looksLikeSecret(value: string): boolean {
  if (value.length < MIN_SECRET_CHARS || /\s/.test(value.trim())) return false;
  return shannonBitsPerChar(value) >= MIN_SECRET_ENTROPY_BITS;
}

/** Shannon entropy of the characters of `s`, in bits per character. */
export function shannonBitsPerChar(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  const n = s.length;
  for (const c of counts.values()) {
    const p = c / n;
    bits -= p * Math.log2(p);
  }
  return bits;
}
