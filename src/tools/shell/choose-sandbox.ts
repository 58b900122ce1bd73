import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { WardenError } from '../../errors/index.js';
import { bwrapArgv, findBwrap } from '../../sandbox/index.js';

const execFileAsync = promisify(execFile);

/** How long the start-up probe may take before bwrap counts as unusable. */
export const BWRAP_PROBE_TIMEOUT_MS = 5000;

/** The bwrap path to run commands under, or undefined for none; 'bwrap' mode throws SANDBOX_UNAVAILABLE instead. */
export async function chooseSandbox(mode: 'auto' | 'bwrap' | 'none'): Promise<string | undefined> {
  if (mode === 'none') return undefined;
  const bwrap = findBwrap();
  const usable = bwrap !== undefined && (await probe(bwrap));
  if (usable) return bwrap;
  if (mode === 'bwrap')
    throw new WardenError('SANDBOX_UNAVAILABLE', 'bubblewrap (bwrap) is missing or cannot create namespaces');
  return undefined;
}

/** bwrap may be installed yet unable to create namespaces (containers, hardened kernels): try it once. */
async function probe(bwrap: string): Promise<boolean> {
  const args = bwrapArgv({
    command: '/bin/true',
    args: [],
    readOnly: [],
    writable: [],
    network: false,
    env: {},
    cwd: '/',
  });
  try {
    await execFileAsync(bwrap, args, { timeout: BWRAP_PROBE_TIMEOUT_MS, env: {} });
    return true;
  } catch (error: unknown) {
    // Any failure means the sandbox is not available on this host.
    void error;
    return false;
  }
}
