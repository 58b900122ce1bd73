import { WardenError } from '../../errors/index.js';
import { shownArg } from './shown-arg.js';

/** getopt_long semantics: an exact name wins, else a unique prefix; ambiguous prefixes are refused. */
export function expandLong(raw: string, names: Iterable<string>): string | undefined {
  const matches: string[] = [];
  for (const name of names) {
    if (name === raw) return name;
    if (name.startsWith(raw)) matches.push(name);
  }
  if (matches.length > 1) throw new WardenError('SHELL_ARG_DENIED', `ambiguous option ${shownArg(raw)}`);
  return matches[0];
}

/** True when `raw` could be an abbreviation of (or equal to) one of the denied long options. */
export function couldBeDenied(raw: string, denied: readonly string[]): string | undefined {
  return denied.find((name) => name.startsWith('--') && raw.length > 2 && name.startsWith(raw));
}
