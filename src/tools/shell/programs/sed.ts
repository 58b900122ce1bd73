import { WardenError } from '../../../errors/index.js';
import type { ArgToken } from '../arg-token.js';
import { defineOptions } from '../option-table.js';
import type { ProgramKnowledge } from '../program-knowledge.js';
import { hasOption, optionValues, positionals } from './positionals.js';
import { checkSedScript } from './sed-script.js';

const SCRIPT_OPTIONS = ['-e', '--expression'];

/** sed: no in-place edits, no script files, and scripts without e/w/W/r/R; GNU --sandbox enforces the same. */
export const SED: ProgramKnowledge = {
  table: defineOptions(
    'nrsuEzl:e:f:i::',
    'quiet silent debug expression: file: follow-symlinks in-place:: line-length: null-data zero-terminated ' +
      'posix regexp-extended separate sandbox unbuffered help version',
  ),
  deny: ['-i', '--in-place', '-f', '--file', '--follow-symlinks'],
  nonPathOptions: SCRIPT_OPTIONS,
  reorder: true,
  prefixArgs: ['--sandbox'],
  isPathPositional: (index: number, tokens: readonly ArgToken[]) =>
    index > 0 || hasOption(tokens, SCRIPT_OPTIONS),
  check: (tokens: readonly ArgToken[]) => {
    const scripts = optionValues(tokens, SCRIPT_OPTIONS);
    if (scripts.length === 0) {
      const first = positionals(tokens)[0];
      if (first === undefined) throw new WardenError('SHELL_ARG_DENIED', 'sed needs a script');
      scripts.push(first);
    }
    for (const script of scripts) checkSedScript(script);
  },
};
