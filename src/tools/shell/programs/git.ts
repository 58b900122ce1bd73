import { WardenError } from '../../../errors/index.js';
import { shownArg } from '../shown-arg.js';
import { parseOptions } from '../parse-options.js';
import { defineOptions } from '../option-table.js';
import type { CheckedArgs } from '../program-knowledge.js';
import { hasOption, positionals } from './positionals.js';
import type { ArgToken } from '../arg-token.js';
import { underDirectory } from '../under-directory.js';

/** Subcommands that only read the repository; the default when a rule names none. */
export const GIT_READ_ONLY_SUBCOMMANDS = [
  'status',
  'log',
  'diff',
  'show',
  'branch',
  'rev-parse',
  'ls-files',
  'blame',
] as const;

/** Global options accepted before the subcommand; -c, --config-env, --exec-path, -p/--paginate and the rest are refused. */
const GIT_GLOBALS = defineOptions(
  'C:P',
  'git-dir: work-tree: no-pager literal-pathspecs glob-pathspecs noglob-pathspecs icase-pathspecs ' +
    'no-optional-locks no-replace-objects bare',
);

/** Options refused in every subcommand: writing files, running helpers or diff drivers, talking to remotes. */
export const GIT_DENIED = [
  '--output',
  '--output-directory',
  '-o',
  '--ext-diff',
  '--textconv',
  '--upload-pack',
  '--receive-pack',
  '--exec',
  '--exec-path',
  '--config-env',
  '-O',
  '--open-files-in-pager',
  '--paginate',
  '--remote',
  '--contents',
  '--template',
] as const;

/** Branch options that change refs; `git branch NAME` creates one, so positionals need --list. */
const BRANCH_WRITES = [
  '-d',
  '-D',
  '--delete',
  '-m',
  '-M',
  '--move',
  '-c',
  '-C',
  '--copy',
  '-f',
  '--force',
  '-u',
  '--set-upstream-to',
  '--unset-upstream',
  '--edit-description',
  '-t',
  '--track',
  '--no-track',
  '--create-reflog',
];

/**
 * Settings forced on every run: repository config cannot start an fsmonitor, a pager, hooks, an ssh command,
 * a credential helper or an external diff, and no transport is allowed.
 */
const FORCED_CONFIG = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'core.pager=cat',
  'core.sshCommand=false',
  'core.askPass=false',
  'core.editor=false',
  'credential.helper=',
  'diff.external=',
  'protocol.allow=never',
  'sequence.editor=false',
  // A signed commit makes log/show run the signature verifier; repository config may name any binary.
  'gpg.program=false',
  'gpg.ssh.program=false',
  'gpg.x509.program=false',
];

const DIFFING = new Set(['log', 'diff', 'show']);
/** blame runs a repository's textconv driver by default; --no-textconv is its only switch. */
const TEXTCONV_ONLY = new Set(['blame']);

/** Checks a git command line: safe globals, an allowed subcommand, no dangerous subcommand options. */
export function checkGitArgs(
  args: readonly string[],
  rule: {
    subcommands?: readonly string[] | undefined;
    allowOptions?: readonly string[] | undefined;
    denyOptions: readonly string[];
  },
): CheckedArgs {
  const subIndex = args.findIndex((arg, i) => !arg.startsWith('-') && !isGlobalValue(args, i));
  if (subIndex === -1) throw new WardenError('SHELL_ARG_DENIED', 'git needs a subcommand');
  const globals = parseOptions(args.slice(0, subIndex), { table: GIT_GLOBALS, deny: [] });
  const sub = args[subIndex] ?? '';
  const allowedSubs = rule.subcommands ?? GIT_READ_ONLY_SUBCOMMANDS;
  if (!allowedSubs.includes(sub))
    throw new WardenError('SHELL_ARG_DENIED', `git ${shownArg(sub)} is not allowed`);
  const rest = args.slice(subIndex + 1);
  const deny = [...GIT_DENIED, ...rule.denyOptions];
  const tokens = parseOptions(rest, { deny, allow: rule.allowOptions });
  if (sub === 'branch') checkBranch(tokens);
  const { chdirs, base } = gitDirectories(globals);
  const pathCandidates = [
    ...chdirs,
    ...[
      ...globals.flatMap((t) =>
        t.kind === 'option' && t.name !== '-C' && t.value !== undefined ? [t.value] : [],
      ),
      ...tokens.flatMap((t) => (t.kind === 'option' && t.value !== undefined ? [t.value] : [])),
      ...rest
        .filter((arg) => arg.startsWith('-') && !arg.startsWith('--') && arg.length > 2)
        .map((arg) => arg.slice(2)),
      ...positionals(tokens),
    ].map((value) => underDirectory(base, value)),
  ];
  const forced = FORCED_CONFIG.flatMap((setting) => ['-c', setting]);
  const injected = DIFFING.has(sub)
    ? ['--no-ext-diff', '--no-textconv']
    : TEXTCONV_ONLY.has(sub)
      ? ['--no-textconv']
      : [];
  const argv = [
    '--no-pager',
    '--no-optional-locks',
    ...forced,
    ...args.slice(0, subIndex),
    sub,
    ...injected,
    ...rest,
  ];
  return { argv, pathCandidates };
}

/**
 * git -C changes directory before anything else is read, and several -C compose: `git -C .. diff --no-index
 * ../x` from a sub directory reads outside the roots although `../x` is inside when read from the caller's cwd.
 * Returns each -C target as the caller's cwd will resolve it, and the directory git finally works in.
 */
function gitDirectories(globals: readonly ArgToken[]): { chdirs: string[]; base: string } {
  const chdirs: string[] = [];
  let base = '';
  for (const token of globals) {
    if (token.kind !== 'option' || token.name !== '-C' || token.value === undefined) continue;
    base = underDirectory(base, token.value);
    chdirs.push(base);
  }
  return { chdirs, base };
}

const SEPARATE_VALUE_GLOBALS = ['-C', '--git-dir', '--work-tree'];

function isGlobalValue(args: readonly string[], i: number): boolean {
  return i > 0 && SEPARATE_VALUE_GLOBALS.includes(args[i - 1] ?? '');
}

function checkBranch(tokens: readonly ArgToken[]): void {
  if (hasOption(tokens, BRANCH_WRITES)) throw new WardenError('SHELL_ARG_DENIED', 'git branch may only list');
  if (positionals(tokens).length > 0 && !hasOption(tokens, ['-l', '--list'])) {
    throw new WardenError('SHELL_ARG_DENIED', 'git branch NAME creates a branch; use --list PATTERN');
  }
}
