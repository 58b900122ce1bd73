import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ShellConfig, ShellProgramRule } from '../../config/builtins.js';
import { WardenError } from '../../errors/index.js';
import { bwrapArgv } from '../../sandbox/index.js';
import type { BuiltinTool, ToolCallContext, ToolFamily } from '../types.js';
import { checkArgv } from './check-argv.js';
import { buildChildEnv, checkConfiguredEnv } from './child-env.js';
import { chooseSandbox } from './choose-sandbox.js';
import { checkPathArguments, isInsideRoots, resolveLeniently } from './confine-paths.js';
import { resolveProgram, type ResolvedProgram } from './resolve-program.js';
import { runProcess } from './run-process.js';
import { parseShellRunInput, shellRunInputSchema } from './shell-run-input.js';
import { SHELL_RUN_OUTPUT_SCHEMA, shellRunResult } from './shell-run-result.js';
import { resolveShellRoots, type ShellRoots } from './shell-roots.js';

/** Options of {@link createShellTools}. */
export interface CreateShellToolsOptions {
  /** Directory relative config paths are resolved against (the config file's folder). */
  baseDir: string;
  /** builtins.fs.roots, the default roots when builtins.shell.roots is absent. */
  fsRoots?: string[];
}

interface Program {
  resolved: ResolvedProgram | undefined;
  rule: ShellProgramRule;
}

const SYSTEM_PREFIXES = ['/usr/', '/bin/', '/sbin/', '/lib/', '/lib64/'];

/** Builds the shell_run tool: allowlisted programs, checked arguments, confined paths, optional bwrap sandbox. */
export async function createShellTools(
  config: ShellConfig,
  options: CreateShellToolsOptions,
): Promise<ToolFamily> {
  checkConfiguredEnv(config.env);
  const roots = resolveShellRoots(config, options.baseDir, options.fsRoots);
  const programs = new Map<string, Program>();
  for (const [name, rule] of Object.entries(config.allow)) {
    programs.set(name, { resolved: resolveProgram(name, rule.path), rule });
  }
  const bwrap = await chooseSandbox(config.sandbox);
  // A private, empty HOME: dotfiles a caller could plant in the roots (.ssh/config, .gitconfig) are never read.
  const home = bwrap === undefined ? await mkdtemp(join(tmpdir(), 'warden-shell-home-')) : '/tmp';
  const tool: BuiltinTool = {
    definition: {
      name: 'shell_run',
      title: 'Run an allowlisted command',
      description:
        'Runs one allowlisted program with an argv array (no shell: pipes, globs and $VARS are plain text). ' +
        'Paths must stay inside the configured roots.',
      inputSchema: shellRunInputSchema([...programs.keys()]),
      outputSchema: SHELL_RUN_OUTPUT_SCHEMA,
      annotations: {
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    call: (args, ctx) => runShellCommand(args, ctx, { config, roots, programs, bwrap, home }),
  };
  const close = async (): Promise<void> => {
    if (bwrap === undefined) await rm(home, { recursive: true, force: true });
  };
  return { tools: [tool], close };
}

interface ShellState {
  config: ShellConfig;
  roots: ShellRoots;
  programs: ReadonlyMap<string, Program>;
  bwrap: string | undefined;
  home: string;
}

async function runShellCommand(args: unknown, ctx: ToolCallContext, state: ShellState) {
  const input = parseShellRunInput(args);
  const program = state.programs.get(input.command);
  if (program === undefined) throw new WardenError('SHELL_NOT_ALLOWED');
  if (program.resolved === undefined) throw new WardenError('SHELL_NOT_ALLOWED', 'program is not installed');
  const { roots, defaultCwd } = state.roots;
  const cwd = input.cwd === undefined ? defaultCwd : await confinedDirectory(input.cwd, defaultCwd, roots);
  const checked = checkArgv(program.resolved.kind, program.rule, input.args);
  await checkPathArguments(checked.pathCandidates, cwd, roots);
  const env = buildChildEnv(state.config.env, { home: state.home, cwd, roots });
  const exe = program.resolved.path;
  const launch =
    state.bwrap === undefined
      ? { file: exe, args: checked.argv, env }
      : {
          file: state.bwrap,
          args: bwrapArgv({
            command: exe,
            args: checked.argv,
            readOnly: SYSTEM_PREFIXES.some((prefix) => exe.startsWith(prefix)) ? [] : [exe],
            writable: roots,
            network: false,
            env,
            cwd,
          }),
          env: {},
        };
  const outcome = await runProcess({
    ...launch,
    cwd,
    stdin: input.stdin,
    timeoutMs: Math.min(input.timeoutMs ?? state.config.timeoutMs, state.config.timeoutMs),
    maxOutputBytes: state.config.maxOutputBytes,
    signal: ctx.signal,
  });
  return shellRunResult(outcome);
}

async function confinedDirectory(value: string, base: string, roots: readonly string[]): Promise<string> {
  if (value.includes('\0')) throw new WardenError('SHELL_CWD_DENIED');
  const real = await resolveLeniently(value, base);
  if (!isInsideRoots(real, roots)) throw new WardenError('SHELL_CWD_DENIED');
  const info = await stat(real).catch((error: unknown) => {
    throw new WardenError('SHELL_CWD_DENIED', 'working directory does not exist', { cause: error });
  });
  if (!info.isDirectory()) throw new WardenError('SHELL_CWD_DENIED', 'working directory is not a directory');
  return real;
}
