import { WardenError } from '../../errors/index.js';
import type { ArgToken } from './arg-token.js';
import { KNOWN_PROGRAMS } from './known-programs.js';
import { parseOptions } from './parse-options.js';
import type { CheckedArgs, ProgramKnowledge } from './program-knowledge.js';
import { checkFindArgs } from './programs/find.js';
import { checkGitArgs } from './programs/git.js';
import { underDirectory } from './under-directory.js';

/** Most arguments one call may pass, whatever the rule says. */
export const MAX_ARGS = 256;
/** Most bytes of all arguments together. */
export const MAX_ARGV_BYTES = 128 * 1024;

/** The argument rules of one allowlisted program, as configured. */
export interface ProgramRuleInput {
  subcommands?: readonly string[] | undefined;
  allowOptions?: readonly string[] | undefined;
  denyOptions?: readonly string[] | undefined;
  maxArgs?: number | undefined;
}

const GENERIC: ProgramKnowledge = { deny: [] };

/** Checks one call's arguments against built-in knowledge of `program` and its rule; returns the argv to run. */
export function checkArgv(program: string, rule: ProgramRuleInput, args: readonly string[]): CheckedArgs {
  checkSizes(args, rule.maxArgs);
  const denyOptions = rule.denyOptions ?? [];
  if (program === 'git') {
    return checkGitArgs(args, {
      subcommands: rule.subcommands,
      allowOptions: rule.allowOptions,
      denyOptions,
    });
  }
  if (rule.subcommands !== undefined && !rule.subcommands.includes(args[0] ?? '')) {
    throw new WardenError('SHELL_ARG_DENIED', 'subcommand not allowed');
  }
  if (program === 'find') return checkFindArgs(args, denyOptions, rule.allowOptions);
  const knowledge = KNOWN_PROGRAMS.get(program) ?? GENERIC;
  knowledge.checkRaw?.(args);
  const tokens = parseOptions(args, {
    table: knowledge.table,
    deny: [...knowledge.deny, ...denyOptions],
    allow: rule.allowOptions,
    numericShort: knowledge.numericShort,
  });
  knowledge.check?.(tokens);
  const pathCandidates = collectPathCandidates(tokens, knowledge);
  if (knowledge.table === undefined) {
    // Unknown arities: the rest of a short cluster (-fFILE) may be a file name.
    pathCandidates.push(...args.filter((a) => /^-[^-]./.test(a)).map((a) => a.slice(2)));
  }
  for (const dir of knowledge.directoryChanges?.(args) ?? []) {
    pathCandidates.push(...pathCandidates.map((value) => underDirectory(dir, value)));
  }
  const body = knowledge.reorder === true ? rebuild(tokens) : [...args];
  return { argv: [...(knowledge.prefixArgs ?? []), ...body], pathCandidates };
}

function checkSizes(args: readonly string[], maxArgs: number | undefined): void {
  if (args.length > Math.min(maxArgs ?? MAX_ARGS, MAX_ARGS))
    throw new WardenError('SHELL_ARG_DENIED', 'too many arguments');
  let bytes = 0;
  for (const arg of args) {
    if (arg.includes('\0')) throw new WardenError('SHELL_ARG_DENIED', 'arguments may not contain NUL');
    bytes += Buffer.byteLength(arg);
  }
  if (bytes > MAX_ARGV_BYTES) throw new WardenError('SHELL_ARG_DENIED', 'arguments too long');
}

function collectPathCandidates(tokens: readonly ArgToken[], knowledge: ProgramKnowledge): string[] {
  const out: string[] = [];
  let index = 0;
  for (const token of tokens) {
    if (token.kind === 'option') {
      if (
        token.value !== undefined &&
        token.name !== '-NUM' &&
        !(knowledge.nonPathOptions ?? []).includes(token.name)
      ) {
        out.push(token.value);
      }
    } else if (token.kind === 'positional') {
      if (knowledge.isPathPositional?.(index, tokens) ?? true) out.push(token.value);
      index++;
    }
  }
  return out;
}

/** Options in canonical, unabbreviated form, then `--`, then positionals: what was checked is what runs. */
function rebuild(tokens: readonly ArgToken[]): string[] {
  const options: string[] = [];
  const operands: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') operands.push(token.value);
    else if (token.kind === 'option') options.push(...renderOption(token));
  }
  return operands.length === 0 ? options : [...options, '--', ...operands];
}

function renderOption(token: Extract<ArgToken, { kind: 'option' }>): string[] {
  if (token.name === '-NUM') return [`-${token.value ?? ''}`];
  if (token.value === undefined) return [token.name];
  if (token.name.startsWith('--')) return [`${token.name}=${token.value}`];
  return token.glued ? [`${token.name}${token.value}`] : [token.name, token.value];
}
