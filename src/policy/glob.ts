/** A compiled name pattern. */
export type NameMatcher = (name: string) => boolean;

const STAR = 0;
const ANY = 1;
type Token = typeof STAR | typeof ANY | string;

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    if (c === '*') {
      // "**" means the same as "*".
      if (tokens.at(-1) !== STAR) tokens.push(STAR);
    } else if (c === '?') tokens.push(ANY);
    else if (c === '\\' && i + 1 < chars.length) tokens.push(chars[++i] ?? '');
    else tokens.push(c);
  }
  return tokens;
}

/** Greedy wildcard matching with single-star backtracking: O(name × pattern), never exponential. */
function wildcardMatch(tokens: readonly Token[], name: readonly string[]): boolean {
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  while (s < name.length) {
    const t = tokens[p];
    if (t === STAR) {
      starP = p++;
      starS = s;
    } else if (p < tokens.length && (t === ANY || t === name[s])) {
      p++;
      s++;
    } else if (starP >= 0) {
      p = starP + 1;
      s = ++starS;
    } else return false;
  }
  while (tokens[p] === STAR) p++;
  return p === tokens.length;
}

/**
 * Compiles a glob over names (principals, groups, tool names). Deliberately small and exact: `*` matches any
 * run of characters (including none, `/` and `.`), `?` exactly one character (code point), `\` escapes the
 * next character; everything else is literal and case-sensitive, and the whole name must match. No braces,
 * classes, extglobs or negation, so `{a,b}`, `[x]`, `!x` and `+(x)` in a tool name are just characters.
 * (A path-glob library treats `/` and leading dots specially, which would let `*` miss some names.)
 */
export function compileGlob(pattern: string): NameMatcher {
  const tokens = tokenize(pattern);
  const literal = tokens.every((t) => typeof t === 'string');
  if (literal) {
    const text = tokens.join('');
    return (name) => name === text;
  }
  if (tokens.length === 1 && tokens[0] === STAR) return () => true;
  const body = tokens.slice(0, -1);
  if (tokens.at(-1) === STAR && body.every((t) => typeof t === 'string')) {
    const prefix = body.join('');
    return (name) => name.startsWith(prefix);
  }
  return (name) => wildcardMatch(tokens, Array.from(name));
}

/** Compiles a list of globs into one matcher that holds when any of them matches. */
export function compileGlobs(patterns: readonly string[]): NameMatcher {
  const matchers = patterns.map(compileGlob);
  if (matchers.length === 1) return matchers[0] ?? (() => false);
  return (name) => matchers.some((m) => m(name));
}
