import type { ArgToken } from '../arg-token.js';
import { defineOptions } from '../option-table.js';
import type { ProgramKnowledge } from '../program-knowledge.js';
import { hasOption } from './positionals.js';

const PATTERN_OPTIONS = ['-e', '--regexp', '-f', '--file'];

/** grep: read-only; -R is refused because following links during recursion may leave the roots. */
export const GREP: ProgramKnowledge = {
  table: defineOptions(
    'A:abB:cC:D:d:Ee:f:FGHhiLlm:nNoPqRrsTUvwxyZz',
    'extended-regexp fixed-strings basic-regexp perl-regexp regexp: file: ignore-case no-ignore-case word-regexp ' +
      'line-regexp null-data no-messages invert-match version help max-count: byte-offset line-number ' +
      'no-line-number line-buffered with-filename no-filename label: only-matching quiet silent binary-files: ' +
      'text directories: devices: recursive dereference-recursive include: exclude: exclude-from: exclude-dir: ' +
      'files-without-match files-with-matches count initial-tab null before-context: after-context: context: ' +
      'color:: colour:: binary',
  ),
  deny: ['-R', '--dereference-recursive'],
  nonPathOptions: [
    '-e',
    '--regexp',
    '--include',
    '--exclude',
    '--exclude-dir',
    '--label',
    '--color',
    '--colour',
  ],
  reorder: true,
  numericShort: true,
  isPathPositional: (index: number, tokens: readonly ArgToken[]) =>
    index > 0 || hasOption(tokens, PATTERN_OPTIONS),
};
