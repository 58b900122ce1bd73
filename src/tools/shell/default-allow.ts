import type { ShellProgramRule } from '../../config/builtins.js';
import { GIT_READ_ONLY_SUBCOMMANDS } from './programs/git.js';

/** The read-only profile `warden init` writes: inspection commands and read-only git. */
export const DEFAULT_SHELL_ALLOW: Readonly<Record<string, ShellProgramRule>> = Object.freeze({
  ls: {},
  cat: {},
  head: {},
  tail: {},
  wc: {},
  grep: {},
  find: {},
  sort: {},
  uniq: {},
  cut: {},
  tr: {},
  diff: {},
  file: {},
  stat: {},
  du: {},
  pwd: {},
  echo: {},
  date: {},
  git: { subcommands: [...GIT_READ_ONLY_SUBCOMMANDS] },
});
