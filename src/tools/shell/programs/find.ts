import { shownArg } from '../shown-arg.js';
import { WardenError } from '../../../errors/index.js';
import type { CheckedArgs } from '../program-knowledge.js';

/** find predicates that run programs, delete, write files or follow links out of the roots. */
export const FIND_DENIED = [
  '-exec',
  '-execdir',
  '-ok',
  '-okdir',
  '-delete',
  '-fprint',
  '-fprint0',
  '-fprintf',
  '-fls',
  '-L',
  '-follow',
] as const;

/** Predicates (and options) taking no value. */
const NULLARY = new Set(
  (
    '-H -P -daystart -depth -ignore_readdir_race -noignore_readdir_race -mount -xdev -nowarn -warn -noleaf ' +
    '-empty -executable -false -readable -true -writable -nogroup -nouser -print -print0 -ls -prune -quit ' +
    '-not -and -or -a -o -help -version -d'
  ).split(' '),
);

/** Predicates taking one value, and whether that value may name a file. */
const UNARY = new Map<string, 'path' | 'text'>([
  ...'-name -iname -path -ipath -wholename -iwholename -regex -iregex -lname -ilname -regextype -type -xtype -size -perm -user -group -uid -gid -links -inum -fstype -printf -context'
    .split(' ')
    .map((name): [string, 'path' | 'text'] => [name, 'text']),
  ...'-amin -cmin -mmin -atime -ctime -mtime -used -maxdepth -mindepth'
    .split(' ')
    .map((name): [string, 'path' | 'text'] => [name, 'text']),
  ['-newer', 'path'],
  // -samefile stats its operand: outside the roots it reveals whether a file exists.
  ['-samefile', 'path'],
  ['-anewer', 'path'],
  ['-cnewer', 'path'],
  ['-files0-from', 'path'],
]);

const OPERATORS = new Set(['(', ')', '!', ',']);
const NEWER_XY = /^-newer[aBcmt][aBcmt]$/;
const OPTIMISATION = /^-O\d$/;

/** Checks a find command line: starting points, then an expression of known, harmless predicates only. */
export function checkFindArgs(
  args: readonly string[],
  deny: readonly string[],
  allow?: readonly string[],
): CheckedArgs {
  const pathCandidates: string[] = [];
  let inExpression = false;
  let i = skipLeadingOptions(args, deny);
  for (; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!inExpression && !arg.startsWith('-') && !OPERATORS.has(arg)) {
      pathCandidates.push(arg);
      continue;
    }
    inExpression = true;
    if (OPERATORS.has(arg)) continue;
    const name = canonicalPredicate(arg);
    if ((FIND_DENIED as readonly string[]).includes(name) || deny.includes(name)) {
      throw new WardenError('SHELL_ARG_DENIED', `find ${shownArg(name)} is not allowed`);
    }
    if (allow !== undefined && !allow.includes(name)) {
      throw new WardenError('SHELL_ARG_DENIED', `find ${shownArg(name)} is not in the allowlist`);
    }
    if (NULLARY.has(name) || OPTIMISATION.test(name)) continue;
    const kind = NEWER_XY.test(name) ? 'path' : UNARY.get(name);
    if (kind === undefined)
      throw new WardenError('SHELL_ARG_DENIED', `unknown find predicate ${shownArg(arg)}`);
    const value = args[++i];
    if (value === undefined)
      throw new WardenError('SHELL_ARG_DENIED', `find ${shownArg(name)} needs a value`);
    if (kind === 'path') pathCandidates.push(value);
  }
  return { argv: [...args], pathCandidates };
}

/** The index after find's leading -H/-P/-D x/-Ox options; -L is refused there like everywhere. */
function skipLeadingOptions(args: readonly string[], deny: readonly string[]): number {
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '-L' || deny.includes(arg))
      throw new WardenError('SHELL_ARG_DENIED', `find ${shownArg(arg)} is not allowed`);
    if (arg === '-D') i++;
    else if (arg !== '-H' && arg !== '-P' && !OPTIMISATION.test(arg)) return i;
  }
  return i;
}

function canonicalPredicate(arg: string): string {
  // GNU find accepts --help and --version; any other double-dash form is read as the single-dash predicate.
  const single = arg.startsWith('--') ? arg.slice(1) : arg;
  if (!/^-[A-Za-z_0-9]+$/.test(single))
    throw new WardenError('SHELL_ARG_DENIED', `unknown find predicate ${shownArg(arg)}`);
  return single;
}
