import type { ArgToken } from './arg-token.js';
import type { OptionTable } from './option-table.js';

/** The result of checking one call's arguments: the argv to run and the values that may name files. */
export interface CheckedArgs {
  argv: string[];
  pathCandidates: string[];
}

/** Built-in knowledge of one program's options and of the ones that make it run, write or reach other things. */
export interface ProgramKnowledge {
  /** Every option the program accepts; unknown options are refused. Absent: arities unknown, checked conservatively. */
  table?: OptionTable;
  /** Canonical option names that are always refused. */
  deny: readonly string[];
  /** Options whose values are patterns or text, never files. */
  nonPathOptions?: readonly string[];
  /** Order does not matter (GNU permutation): rebuild as options, `--`, positionals. */
  reorder?: boolean;
  /** Accepts `-NUM` (head -5, grep -3). */
  numericShort?: boolean;
  /** Arguments placed before the caller's (sed --sandbox, tar --force-local). */
  prefixArgs?: readonly string[];
  /** Which positionals are file names; default all. */
  isPathPositional?(index: number, tokens: readonly ArgToken[]): boolean;
  /** Directories the program changes into before reading later names (tar -C); names are checked there too. */
  directoryChanges?(args: readonly string[]): string[];
  /** Rules over the raw arguments, before parsing; throws SHELL_ARG_DENIED. */
  checkRaw?(args: readonly string[]): void;
  /** Extra rules over the parsed arguments; throws SHELL_ARG_DENIED. */
  check?(tokens: readonly ArgToken[]): void;
}
