import { isAbsolute, resolve } from 'node:path';
import { WardenError } from '../errors/index.js';
import { bwrapArgv } from './bwrap-argv.js';
import { findBwrap } from './find-bwrap.js';

/** Options of {@link sandboxedCommand}. */
export interface SandboxedCommandOptions {
  sandbox: { paths: string[]; writable: string[]; network: boolean };
  env: Record<string, string>;
  cwd?: string | undefined;
}

const SYSTEM_PREFIXES = ['/usr/', '/bin/', '/sbin/', '/lib/', '/lib64/'] as const;

/** The bwrap command line that runs `command args` in the configured sandbox; throws SANDBOX_UNAVAILABLE without bwrap. */
export function sandboxedCommand(
  command: string,
  args: string[],
  options: SandboxedCommandOptions,
): { command: string; args: string[] } {
  return buildSandboxedCommand(findBwrap(), command, args, options);
}

/** {@link sandboxedCommand} with an explicit bwrap path (undefined: not installed). */
export function buildSandboxedCommand(
  bwrap: string | undefined,
  command: string,
  args: string[],
  options: SandboxedCommandOptions,
): { command: string; args: string[] } {
  if (bwrap === undefined) throw new WardenError('SANDBOX_UNAVAILABLE');
  const writable = options.sandbox.writable.map((path) => resolve(path));
  const readOnly = options.sandbox.paths.map((path) => resolve(path));
  const cwd = resolve(options.cwd ?? '/');
  const visible = [...readOnly, ...writable];
  // The working directory and a program outside the system must be visible, but only read-only.
  if (options.cwd !== undefined && !isCovered(cwd, visible)) readOnly.push(cwd);
  if (isAbsolute(command) && !isSystemPath(command) && !isCovered(command, visible)) readOnly.push(command);
  const argv = bwrapArgv({
    command,
    args,
    readOnly,
    writable,
    network: options.sandbox.network,
    env: options.env,
    cwd,
  });
  return { command: bwrap, args: argv };
}

function isCovered(path: string, dirs: readonly string[]): boolean {
  return dirs.some((dir) => path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`));
}

function isSystemPath(path: string): boolean {
  return SYSTEM_PREFIXES.some((prefix) => path.startsWith(prefix));
}
