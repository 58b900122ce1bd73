import picomatch from 'picomatch';

/** Decides whether a root-relative path (with `/` separators) is refused by the deny globs. */
export type DenyMatcher = (rel: string) => boolean;

/**
 * Builds a matcher that refuses a path when it or any of its ancestors matches a pattern, so a denied directory
 * also hides everything beneath it. Dot files match and case is ignored, because over-refusing `.ENV` is cheaper
 * than leaking it on a case-insensitive file system; any character but `/` may appear in a name.
 */
export function createDenyMatcher(patterns: readonly string[]): DenyMatcher {
  if (patterns.length === 0) return () => false;
  // `flags` replaces `nocase`, so `i` stays; `s` lets `**` cross names holding a line terminator (\n, \r, U+2028,
  // U+2029), which a plain `.` does not match: without it `a\nb/.env` escaped every `**/...` pattern.
  const isMatch = picomatch([...patterns], { dot: true, nocase: true, flags: 'is' });
  return function isDenied(rel: string): boolean {
    if (rel === '') return false;
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i += 1) {
      if (isMatch(parts.slice(0, i).join('/'))) return true;
    }
    return false;
  };
}
