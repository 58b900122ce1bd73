import type { ArgToken } from '../arg-token.js';

/** The positional values among parsed tokens, in order. */
export function positionals(tokens: readonly ArgToken[]): string[] {
  return tokens.flatMap((token) => (token.kind === 'positional' ? [token.value] : []));
}

/** The values given to any of the named options, in order. */
export function optionValues(tokens: readonly ArgToken[], names: readonly string[]): string[] {
  return tokens.flatMap((token) =>
    token.kind === 'option' && names.includes(token.name) && token.value !== undefined ? [token.value] : [],
  );
}

/** True when one of the named options was given. */
export function hasOption(tokens: readonly ArgToken[], names: readonly string[]): boolean {
  return tokens.some((token) => token.kind === 'option' && names.includes(token.name));
}
