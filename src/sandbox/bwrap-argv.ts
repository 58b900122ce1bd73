import { isAbsolute } from 'node:path';
import { WardenError } from '../errors/index.js';
import type { SandboxSpec } from './sandbox-spec.js';
import { systemMountArgs } from './system-mounts.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The bubblewrap arguments (without the bwrap path itself) that run `spec.command` confined as `spec` says. */
export function bwrapArgv(spec: SandboxSpec): string[] {
  const out = [...systemMountArgs(spec.network), '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp'];
  // Host paths come after /tmp so that roots below /tmp are mounted on top of the private tmpfs.
  for (const path of spec.readOnly) out.push('--ro-bind', checkedPath(path), path);
  for (const path of spec.writable) out.push('--bind', checkedPath(path), path);
  out.push('--unshare-all');
  if (spec.network) out.push('--share-net');
  out.push('--new-session', '--die-with-parent', '--clearenv');
  for (const [name, value] of Object.entries(spec.env)) {
    if (!ENV_NAME.test(name)) throw new WardenError('CONFIG_INVALID', 'invalid environment variable name');
    out.push('--setenv', name, value);
  }
  out.push('--chdir', checkedPath(spec.cwd), '--', spec.command, ...spec.args);
  return out;
}

function checkedPath(path: string): string {
  if (!isAbsolute(path) || path.includes('\0'))
    throw new WardenError('CONFIG_INVALID', 'sandbox paths must be absolute');
  return path;
}
