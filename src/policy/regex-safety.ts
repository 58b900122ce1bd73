import { WardenError } from '../errors/index.js';

/** Longest string a policy regex is run against; longer values fail closed. */
export const MAX_REGEX_INPUT_CHARS = 4096;
/** Longest regex source accepted in a policy. */
export const MAX_REGEX_SOURCE_CHARS = 512;

/**
 * Refuses patterns prone to catastrophic backtracking: a group repeated without bound (`*`, `+`, `{n,}`)
 * whose body itself repeats or alternates (`(a+)+`, `(a|aa)*`, `(\w*\s?)*`), and backreferences.
 * This is a conservative syntactic check; input length is capped as well.
 */
export function assertSafeRegex(source: string): void {
  if (source.length > MAX_REGEX_SOURCE_CHARS)
    throw new WardenError('CONFIG_INVALID', 'policy regex too long');
  if (/\\[1-9]|\\k</.test(source))
    throw new WardenError('CONFIG_INVALID', 'policy regex may not use backreferences');
  // Per open group: does its body contain a quantifier or an alternation?
  const risky: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') risky.push(false);
    else if (c === '|' && risky.length > 0) risky[risky.length - 1] = true;
    else if ((c === '*' || c === '+' || c === '{') && risky.length > 0) risky[risky.length - 1] = true;
    else if (c === ')') {
      const bodyRisky = risky.pop() ?? false;
      const next = source.slice(i + 1, i + 12);
      const unbounded = /^(\*|\+|\{\d+,\})/.test(next);
      if (bodyRisky && unbounded)
        throw new WardenError('CONFIG_INVALID', 'policy regex may backtrack catastrophically');
      // A group that repeats makes its enclosing group's body repeat.
      if ((bodyRisky || /^[*+?{]/.test(next)) && risky.length > 0) risky[risky.length - 1] = true;
    }
  }
}
