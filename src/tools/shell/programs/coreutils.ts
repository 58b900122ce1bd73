import { WardenError } from '../../../errors/index.js';
import type { ArgToken } from '../arg-token.js';
import { defineOptions } from '../option-table.js';
import type { ProgramKnowledge } from '../program-knowledge.js';
import { optionValues, positionals } from './positionals.js';

const never = (): boolean => false;

/**
 * `--files0-from=-` (and file's `-f -`) reads the names to open from stdin, where the path check never sees them:
 * `sort --files0-from=-` with stdin `/etc/shadow` prints the file. A list file is an ordinary path argument.
 */
function refuseNamesFromStdin(options: readonly string[]): (tokens: readonly ArgToken[]) => void {
  return (tokens) => {
    if (optionValues(tokens, options).includes('-')) {
      throw new WardenError('SHELL_ARG_DENIED', 'file names read from stdin are not allowed');
    }
  };
}

/** ls: read-only; -L is refused because following links during -R traversal may leave the roots. */
export const LS: ProgramKnowledge = {
  table: defineOptions(
    'aAbBcCdDfFgGhHiI:klLmnNopqQrRsStT:uUvw:xXZ1',
    'all almost-all author escape block-size: ignore-backups color:: directory dired classify file-type format: ' +
      'full-time group-directories-first no-group human-readable si dereference-command-line ' +
      'dereference-command-line-symlink-to-dir hide: hyperlink:: indicator-style: inode ignore: kibibytes ' +
      'dereference numeric-uid-gid literal hide-control-chars show-control-chars quote-name quoting-style: ' +
      'reverse recursive size sort: time: time-style: tabsize: width: context zero help version',
  ),
  deny: ['-L', '--dereference'],
  nonPathOptions: [
    '-I',
    '--ignore',
    '--hide',
    '--format',
    '--time-style',
    '--sort',
    '--time',
    '--quoting-style',
  ],
  reorder: true,
};

/** cat: read-only. */
export const CAT: ProgramKnowledge = {
  table: defineOptions(
    'AbeEnstTuv',
    'show-all number-nonblank number squeeze-blank show-ends show-tabs show-nonprinting help version',
  ),
  deny: [],
  reorder: true,
};

/** head: read-only. */
export const HEAD: ProgramKnowledge = {
  table: defineOptions('c:n:qvz', 'bytes: lines: quiet silent verbose zero-terminated help version'),
  deny: [],
  reorder: true,
  numericShort: true,
};

/** tail: read-only (follow mode simply runs until the timeout). */
export const TAIL: ProgramKnowledge = {
  table: defineOptions(
    'c:fFn:qs:vz',
    'bytes: follow:: lines: max-unchanged-stats: pid: quiet silent retry sleep-interval: verbose zero-terminated help version',
  ),
  deny: [],
  reorder: true,
  numericShort: true,
};

/** wc: read-only. */
export const WC: ProgramKnowledge = {
  table: defineOptions('clLmw', 'bytes chars lines files0-from: max-line-length words help version'),
  deny: [],
  reorder: true,
  check: refuseNamesFromStdin(['--files0-from']),
};

/** sort: -o writes a file and --compress-program runs one. */
export const SORT: ProgramKnowledge = {
  table: defineOptions(
    'bcCdfghik:mMno:rRsS:t:T:uVz',
    'ignore-leading-blanks check:: dictionary-order debug files0-from: ignore-case general-numeric-sort ' +
      'human-numeric-sort ignore-nonprinting key: merge month-sort numeric-sort output: reverse random-sort ' +
      'random-source: stable buffer-size: field-separator: temporary-directory: unique version-sort ' +
      'zero-terminated batch-size: compress-program: parallel: sort: help version',
  ),
  deny: ['-o', '--output', '--compress-program', '-T', '--temporary-directory'],
  nonPathOptions: ['-k', '--key', '-t', '--field-separator', '--sort', '-S', '--buffer-size'],
  reorder: true,
  check: refuseNamesFromStdin(['--files0-from']),
};

/** uniq: a second positional is an output file, so at most one positional is accepted. */
export const UNIQ: ProgramKnowledge = {
  table: defineOptions(
    'cdDf:is:uw:z',
    'count repeated all-repeated:: skip-fields: ignore-case skip-chars: unique zero-terminated check-chars: group:: help version',
  ),
  deny: [],
  reorder: true,
  check: (tokens) => {
    if (positionals(tokens).length > 1)
      throw new WardenError('SHELL_ARG_DENIED', 'uniq writes to a second file operand');
  },
};

/** cut: read-only. */
export const CUT: ProgramKnowledge = {
  table: defineOptions(
    'b:c:d:f:nsz',
    'bytes: characters: delimiter: fields: complement only-delimited output-delimiter: zero-terminated help version',
  ),
  deny: [],
  nonPathOptions: ['-d', '--delimiter', '--output-delimiter'],
  reorder: true,
};

/** tr: reads stdin only; its operands are character sets, not files. */
export const TR: ProgramKnowledge = {
  table: defineOptions('cCdst', 'complement delete squeeze-repeats truncate-set1 help version'),
  deny: [],
  reorder: true,
  isPathPositional: never,
};

/** diff: read-only; -l/--paginate runs pr. */
export const DIFF: ProgramKnowledge = {
  table: defineOptions(
    'abBcC:dD:eEfF:hiI:lL:nNpqrsS:tTuU:vwW:x:X:y',
    'normal brief report-identical-files context:: unified:: ed rcs side-by-side left-column suppress-common-lines ' +
      'show-c-function show-function-line: label: expand-tabs initial-tab tabsize: suppress-blank-empty paginate ' +
      'new-file unidirectional-new-file recursive no-dereference starting-file: from-file: to-file: ignore-case ' +
      'ignore-tab-expansion ignore-trailing-space ignore-space-change ignore-all-space ignore-blank-lines ' +
      'ignore-matching-lines: text strip-trailing-cr line-format: old-line-format: new-line-format: ' +
      'unchanged-line-format: old-group-format: new-group-format: unchanged-group-format: changed-group-format: ' +
      'ifdef: exclude: exclude-from: minimal horizon-lines: speed-large-files color:: palette: width: ' +
      'ignore-file-name-case no-ignore-file-name-case help version',
  ),
  deny: ['-l', '--paginate'],
  // GNU diff follows symlinks while recursing; without this a link in the roots would expose its target.
  prefixArgs: ['--no-dereference'],
  nonPathOptions: [
    '-F',
    '--show-function-line',
    '-I',
    '--ignore-matching-lines',
    '--label',
    '-D',
    '--ifdef',
    '-x',
    '--exclude',
  ],
  reorder: true,
};

/** file: -C compiles a magic file (writes), -z runs decompressors, -p touches times. */
export const FILE: ProgramKnowledge = {
  table: defineOptions(
    '0bcCdEe:f:F:hiklLm:nNpP:rsSvzZ',
    'apple brief checking-printout compile debug exclude: exclude-quiet: extension files-from: separator: ' +
      'no-dereference mime mime-type mime-encoding keep-going list dereference magic-file: no-buffer no-pad ' +
      'preserve-date parameter: raw special-files no-sandbox uncompress uncompress-noreport print0 help version',
  ),
  deny: [
    '-C',
    '--compile',
    '-z',
    '-Z',
    '--uncompress',
    '--uncompress-noreport',
    '-p',
    '--preserve-date',
    '-S',
    '--no-sandbox',
  ],
  nonPathOptions: ['-e', '--exclude', '--exclude-quiet', '-F', '--separator', '-P', '--parameter'],
  reorder: true,
  check: refuseNamesFromStdin(['-f', '--files-from']),
};

/** stat: read-only. */
export const STAT: ProgramKnowledge = {
  table: defineOptions('c:fLt', 'cached: dereference file-system format: printf: terse help version'),
  deny: [],
  nonPathOptions: ['-c', '--format', '--printf', '--cached'],
  reorder: true,
};

/** du: read-only; -L is refused because following links during traversal may leave the roots. */
export const DU: ProgramKnowledge = {
  table: defineOptions(
    '0abB:cd:DhHklLmPsSt:xX:',
    'null all apparent-size block-size: bytes total max-depth: dereference-args human-readable inodes si ' +
      'count-links dereference no-dereference separate-dirs summarize threshold: time:: time-style: ' +
      'one-file-system exclude: exclude-from: files0-from: help version',
  ),
  deny: ['-L', '--dereference'],
  nonPathOptions: ['--exclude', '--time-style', '-B', '--block-size', '-t', '--threshold', '--time'],
  reorder: true,
  check: refuseNamesFromStdin(['--files0-from']),
};

/** pwd: no operands. */
export const PWD: ProgramKnowledge = {
  table: defineOptions('LP', 'logical physical help version'),
  deny: [],
  reorder: true,
};

/** echo: prints its operands; nothing is a file. */
export const ECHO: ProgramKnowledge = {
  deny: [],
  isPathPositional: never,
};

/** date: -s/--set and MMDDhhmm operands change the clock; only +FORMAT operands are accepted. */
export const DATE: ProgramKnowledge = {
  table: defineOptions(
    'd:f:I::r:Rs:u',
    'date: debug file: iso-8601:: resolution reference: rfc-email rfc-822 rfc-2822 rfc-3339: set: utc universal help version',
  ),
  deny: ['-s', '--set'],
  nonPathOptions: ['-d', '--date', '--rfc-3339', '-I', '--iso-8601'],
  reorder: true,
  isPathPositional: never,
  check: (tokens: readonly ArgToken[]) => {
    if (positionals(tokens).some((value) => !value.startsWith('+'))) {
      throw new WardenError('SHELL_ARG_DENIED', 'date accepts only +FORMAT operands');
    }
  },
};
