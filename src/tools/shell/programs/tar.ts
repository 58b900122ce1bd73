import { WardenError } from '../../../errors/index.js';
import type { ProgramKnowledge } from '../program-knowledge.js';
import { shownArg } from '../shown-arg.js';

/**
 * tar: no program-running options, no absolute names, no dereferencing, no name lists read from files or stdin,
 * no renaming of members; archives named host:file stay local.
 */
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
    // -T names are never seen by the path check (`-T -` reads them from stdin) and may carry `-C /` lines.
    '-T',
    // --transform renames members onto paths never checked: `s,^,link-to-outside/,` extracts outside the roots.
    '--transform',
    '--xform',
  ],
  prefixArgs: ['--force-local'],
  checkRaw: (args) => {
    checkTarFirstArg(args);
    checkTarRawOptions(args);
  },
  directoryChanges: tarDirectories,
};

/** Refuses old-style tar options (`tar xf a.tar`): the first argument must be a dashed option. */
export function checkTarFirstArg(args: readonly string[]): void {
  const first = args[0];
  if (first !== undefined && !first.startsWith('-')) {
    throw new WardenError('SHELL_ARG_DENIED', 'old-style tar options are refused; use -xf');
  }
}

/** Long option names as typed (before `=`). */
function longName(arg: string): string {
  const eq = arg.indexOf('=');
  return eq === -1 ? arg : arg.slice(0, eq);
}

/** True for `--directory` and the abbreviations tar accepts for it (`--dir`, `--direc`…). */
function isDirectoryOption(arg: string): boolean {
  const name = longName(arg);
  return name.length >= 4 && '--directory'.startsWith(name);
}

/**
 * --files-from is refused here, not through `deny`: without an option table a denied `--files-from` would also
 * refuse its prefix `--file`, tar's ordinary archive option. -C must stand alone (`-C DIR`) so its value is known.
 */
function checkTarRawOptions(args: readonly string[]): void {
  for (const arg of args) {
    if (arg === '--') return;
    const name = longName(arg);
    if (name.length >= 7 && '--files-from'.startsWith(name)) {
      throw new WardenError('SHELL_ARG_DENIED', `option ${shownArg(name)} is not allowed`);
    }
    if (/^-[^-]/.test(arg) && arg !== '-C' && arg.includes('C')) {
      throw new WardenError('SHELL_ARG_DENIED', 'tar -C must be given alone, as -C DIR');
    }
  }
}

/**
 * Directories tar changes into before reading later names. Only one is accepted: without an option table a `-C`
 * that is really another option's value cannot be told apart, so composing several could check the wrong place.
 */
function tarDirectories(args: readonly string[]): string[] {
  const dirs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '-C' || (isDirectoryOption(arg) && !arg.includes('='))) dirs.push(args[++i] ?? '');
    else if (isDirectoryOption(arg)) dirs.push(arg.slice(arg.indexOf('=') + 1));
  }
  if (dirs.length > 1) throw new WardenError('SHELL_ARG_DENIED', 'tar accepts one -C directory');
  return dirs;
}
