import { WardenError } from '../../errors/index.js';
import { shownArg } from './shown-arg.js';
import type { ArgToken } from './arg-token.js';
import { couldBeDenied, expandLong } from './expand-long.js';
import type { Arity, OptionTable } from './option-table.js';

/** How {@link parseOptions} reads one program's arguments. */
export interface ParseOptionsOptions {
  /** The program's options; without it arities are unknown and every token is checked conservatively. */
  table?: OptionTable | undefined;
  /** Canonical option names refused (built-in knowledge plus config `denyOptions`). */
  deny: readonly string[];
  /** If set, only these canonical option names are accepted. */
  allow?: readonly string[] | undefined;
  /** `-5` style numeric options (head, tail, grep context). */
  numericShort?: boolean | undefined;
}

const NUMERIC_OPTION = /^-\d+$/;

/** Splits caller arguments into options and positionals the way GNU getopt_long would, refusing denied options. */
export function parseOptions(args: readonly string[], options: ParseOptionsOptions): ArgToken[] {
  const tokens: ArgToken[] = [];
  let i = 0;
  let ended = false;
  const next = (): string | undefined => args[++i];
  for (; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (ended || arg === '-' || !arg.startsWith('-')) {
      tokens.push({ kind: 'positional', value: arg, afterDashDash: ended });
    } else if (arg === '--') {
      ended = true;
      tokens.push({ kind: 'end-of-options' });
    } else if (options.numericShort === true && NUMERIC_OPTION.test(arg)) {
      tokens.push({ kind: 'option', name: '-NUM', value: arg.slice(1), glued: true });
    } else if (arg.startsWith('--')) {
      tokens.push(parseLong(arg, options, next));
    } else {
      tokens.push(...parseShortCluster(arg, options, next));
    }
  }
  return tokens;
}

function parseLong(arg: string, options: ParseOptionsOptions, next: () => string | undefined): ArgToken {
  const eq = arg.indexOf('=');
  const raw = eq === -1 ? arg : arg.slice(0, eq);
  const inline = eq === -1 ? undefined : arg.slice(eq + 1);
  const known = options.table?.long;
  const exactKnown = known?.has(raw) === true && !options.deny.includes(raw);
  const suspicious = couldBeDenied(raw, options.deny);
  if (!exactKnown && suspicious !== undefined) throw refused(suspicious);
  const names = known !== undefined ? known.keys() : [...(options.allow ?? []), ...options.deny];
  const name =
    expandLong(raw, names) ?? (known === undefined && options.allow === undefined ? raw : undefined);
  if (name === undefined) throw new WardenError('SHELL_ARG_DENIED', `unknown option ${shownArg(raw)}`);
  checkAllowed(name, options);
  const arity: Arity | undefined = known?.get(name);
  if (arity === 'none' && inline !== undefined)
    throw new WardenError('SHELL_ARG_DENIED', `option ${shownArg(name)} takes no value`);
  if (arity === 'required' && inline === undefined) {
    const value = next();
    if (value === undefined)
      throw new WardenError('SHELL_ARG_DENIED', `option ${shownArg(name)} needs a value`);
    return { kind: 'option', name, value, glued: false };
  }
  return inline === undefined
    ? { kind: 'option', name, glued: false }
    : { kind: 'option', name, value: inline, glued: true };
}

function parseShortCluster(
  arg: string,
  options: ParseOptionsOptions,
  next: () => string | undefined,
): ArgToken[] {
  const table = options.table?.short;
  const out: ArgToken[] = [];
  for (let j = 1; j < arg.length; j++) {
    const name = `-${arg.charAt(j)}`;
    if (table === undefined) {
      // Unknown arity: every letter may be an option, so any denied letter anywhere refuses the whole token.
      checkAllowed(name, options);
      out.push({ kind: 'option', name, glued: true });
      continue;
    }
    const arity = table.get(name);
    if (arity === undefined) throw new WardenError('SHELL_ARG_DENIED', `unknown option ${name}`);
    checkAllowed(name, options);
    const rest = arg.slice(j + 1);
    if (arity === 'none') {
      out.push({ kind: 'option', name, glued: true });
    } else if (rest !== '' || arity === 'optional') {
      out.push(
        rest === ''
          ? { kind: 'option', name, glued: true }
          : { kind: 'option', name, value: rest, glued: true },
      );
      break;
    } else {
      const value = next();
      if (value === undefined)
        throw new WardenError('SHELL_ARG_DENIED', `option ${shownArg(name)} needs a value`);
      out.push({ kind: 'option', name, value, glued: false });
    }
  }
  return out;
}

function checkAllowed(name: string, options: ParseOptionsOptions): void {
  if (options.deny.includes(name)) throw refused(name);
  if (options.allow !== undefined && !options.allow.includes(name)) {
    throw new WardenError('SHELL_ARG_DENIED', `option ${shownArg(name)} is not in the allowlist`);
  }
}

function refused(name: string): WardenError {
  return new WardenError('SHELL_ARG_DENIED', `option ${shownArg(name)} is not allowed`);
}
