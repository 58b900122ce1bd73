import { WardenError } from '../errors/index.js';
import { regexBacktrackSteps } from './regex-cost.js';

/** Longest string a policy regex is run against; longer values fail closed. */
export const MAX_REGEX_INPUT_CHARS = 4096;
/** Longest regex source accepted in a policy. */
export const MAX_REGEX_SOURCE_CHARS = 512;
/**
 * Most backtracking steps a regex may need on MAX_REGEX_INPUT_CHARS of input, as `regexBacktrackSteps` counts
 * them: about 0.1 s at worst. `foo.*bar`, `^[a-z]+$` and `^/srv/[^/]+/.*\.txt$` fit; `.*a.*b`, `\w+\d+x` and
 * `(a|aa)+` do not.
 */
export const MAX_REGEX_BACKTRACK_STEPS = 2 ** 27;

/**
 * Refuses patterns whose backtracking could stall the event loop on input of up to MAX_REGEX_INPUT_CHARS: a
 * conservative count of the steps V8 may take (nested or alternating repetition, and also several unbounded
 * repetitions in a row, such as `a*a*a*b` or `.*.*.*x`, which cost a power of the input length), and
 * backreferences, which that count cannot bound.
 */
export function assertSafeRegex(source: string): void {
  if (source.length > MAX_REGEX_SOURCE_CHARS)
    throw new WardenError('CONFIG_INVALID', 'policy regex too long');
  if (/\\[1-9]|\\k</.test(source))
    throw new WardenError('CONFIG_INVALID', 'policy regex may not use backreferences');
  if (regexBacktrackSteps(source, MAX_REGEX_INPUT_CHARS) > MAX_REGEX_BACKTRACK_STEPS)
    throw new WardenError(
      'CONFIG_INVALID',
      'policy regex may backtrack too much (nested or chained repeats)',
    );
}
