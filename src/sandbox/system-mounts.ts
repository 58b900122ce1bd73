import { lstatSync, readlinkSync } from 'node:fs';

/** Top-level system directories that may be symlinks into /usr (merged-/usr systems) or real directories. */
const SYSTEM_DIRS = ['/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32'] as const;

/** Files and folders under /etc that programs need to start; nothing with secrets (no shadow, no ssh keys). */
const ETC_ESSENTIALS = [
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/alternatives',
  '/etc/localtime',
  '/etc/nsswitch.conf',
  '/etc/passwd',
  '/etc/group',
  '/etc/magic',
] as const;

/** Extra /etc entries that only make sense when the network is shared. */
const ETC_NETWORK = ['/etc/resolv.conf', '/etc/hosts', '/etc/ssl', '/etc/ca-certificates'] as const;

/** bwrap arguments that show a read-only system: /usr, the merged-/usr links or dirs, and /etc essentials. */
export function systemMountArgs(network: boolean): string[] {
  const out = ['--ro-bind', '/usr', '/usr'];
  for (const dir of SYSTEM_DIRS) {
    const link = readLinkOrUndefined(dir);
    if (link !== undefined) out.push('--symlink', link, dir);
    else out.push('--ro-bind-try', dir, dir);
  }
  for (const path of network ? [...ETC_ESSENTIALS, ...ETC_NETWORK] : ETC_ESSENTIALS) {
    out.push('--ro-bind-try', path, path);
  }
  return out;
}

function readLinkOrUndefined(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch (error: unknown) {
    // Missing directory: --ro-bind-try skips it later.
    void error;
    return undefined;
  }
}
