import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { WardenError } from '../../errors/index.js';
import { SHELL_SYSTEM_PATH } from './child-env.js';
import { isRefusedProgram } from './refused-programs.js';

/** A name callers may pass as `command`: no slash, no dot-only names, nothing a version game could exploit. */
const PROGRAM_NAME = /^[A-Za-z0-9_][A-Za-z0-9_+-]*(?:\.[A-Za-z0-9_+-]+)*$/;

/** An allowlisted program resolved at start: the path executed and the name its built-in knowledge uses. */
export interface ResolvedProgram {
  path: string;
  kind: string;
}

/** True when `name` has the shape of an allowlist key. */
export function isProgramName(name: string): boolean {
  return PROGRAM_NAME.test(name) && name.length <= 128;
}

/**
 * Resolves an allowlisted program from the fixed system PATH (or its configured absolute path); undefined when it
 * is not installed. Throws CONFIG_INVALID for bad names and for programs that run other programs.
 */
export function resolveProgram(
  name: string,
  configuredPath: string | undefined,
): ResolvedProgram | undefined {
  if (!isProgramName(name))
    throw new WardenError('CONFIG_INVALID', 'builtins.shell.allow has an invalid program name');
  if (isRefusedProgram(name)) throw refusedProgram(name);
  if (configuredPath !== undefined && !isAbsolute(configuredPath)) {
    throw new WardenError('CONFIG_INVALID', `builtins.shell.allow.${name}.path must be absolute`);
  }
  const candidates =
    configuredPath !== undefined ? [configuredPath] : SHELL_SYSTEM_PATH.split(':').map((d) => join(d, name));
  for (const candidate of candidates) {
    if (!isExecutableFile(candidate)) continue;
    const real = realpathSync(candidate);
    // /usr/bin/awk may be a link to mawk, a "harmless" name may be a link to an interpreter.
    if (isRefusedProgram(basename(real))) throw refusedProgram(name);
    return { path: candidate, kind: configuredPath === undefined ? name : basename(real) };
  }
  return undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch (error: unknown) {
    // Missing or not executable: this candidate does not count.
    void error;
    return false;
  }
}

function refusedProgram(name: string): WardenError {
  return new WardenError(
    'CONFIG_INVALID',
    `builtins.shell.allow.${name}: programs that run other programs cannot be allowed`,
  );
}
