import { WardenError } from '../../../errors/index.js';
import type { ProgramKnowledge } from '../program-knowledge.js';

/** tar: no program-running options, no absolute names, no dereferencing; archives named host:file stay local. */
export const TAR: ProgramKnowledge = {
  deny: [
    '--checkpoint-action',
    '--to-command',
    '-I',
    '--use-compress-program',
    '--rsh-command',
    '--rmt-command',
    '-F',
    '--info-script',
    '--new-volume-script',
    '-P',
    '--absolute-names',
    '-h',
    '--dereference',
  ],
  prefixArgs: ['--force-local'],
  checkRaw: checkTarFirstArg,
};

/** Refuses old-style tar options (`tar xf a.tar`): the first argument must be a dashed option. */
export function checkTarFirstArg(args: readonly string[]): void {
  const first = args[0];
  if (first !== undefined && !first.startsWith('-')) {
    throw new WardenError('SHELL_ARG_DENIED', 'old-style tar options are refused; use -xf');
  }
}
