import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../../dist/bundle/warden.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to completion. */
export async function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Starts the built CLI and leaves it running. */
export function startCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** True while a process with this pid exists (and is not a zombie). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie still answers kill(0); its /proc status says Z.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** The endpoint `warden serve` reports on stderr once it listens over HTTP. */
const LISTENING = /listening on (http:\/\/\S+)/;

/**
 * Collects a started `warden serve`'s stderr and resolves with the endpoint it reports listening on; rejects if it
 * exits or stays silent for `timeoutMs`. `stderr()` gives everything written so far, then and later.
 */
export function waitForListening(
  child: ChildProcess,
  timeoutMs = 15_000,
): Promise<{ url: string; stderr: () => string }> {
  let text = '';
  const stderr = (): string => text;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`warden did not listen within ${timeoutMs} ms: ${text}`)),
      timeoutMs,
    );
    const onExit = (code: number | null): void =>
      fail(new Error(`warden exited (${code}) before listening: ${text}`));
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.off('exit', onExit);
      reject(error);
    };
    child.once('exit', onExit);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      const url = LISTENING.exec(text)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({ url, stderr });
    });
  });
}
