import {
  CAT,
  CUT,
  DATE,
  DIFF,
  DU,
  ECHO,
  FILE,
  HEAD,
  LS,
  PWD,
  SORT,
  STAT,
  TAIL,
  TR,
  UNIQ,
  WC,
} from './programs/coreutils.js';
import { GREP } from './programs/grep.js';
import { MAN, RSYNC, SFTP, SSH } from './programs/remote.js';
import { SED } from './programs/sed.js';
import { TAR } from './programs/tar.js';
import type { ProgramKnowledge } from './program-knowledge.js';

/** Built-in knowledge by program name; find and git have their own checkers. */
export const KNOWN_PROGRAMS: ReadonlyMap<string, ProgramKnowledge> = new Map([
  ['ls', LS],
  ['cat', CAT],
  ['head', HEAD],
  ['tail', TAIL],
  ['wc', WC],
  ['sort', SORT],
  ['uniq', UNIQ],
  ['cut', CUT],
  ['tr', TR],
  ['diff', DIFF],
  ['file', FILE],
  ['stat', STAT],
  ['du', DU],
  ['pwd', PWD],
  ['echo', ECHO],
  ['date', DATE],
  ['grep', GREP],
  ['egrep', GREP],
  ['fgrep', GREP],
  ['sed', SED],
  ['tar', TAR],
  ['ssh', SSH],
  ['scp', SSH],
  ['sftp', SFTP],
  ['rsync', RSYNC],
  ['man', MAN],
]);
