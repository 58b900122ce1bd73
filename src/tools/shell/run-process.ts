import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { WardenError } from '../../errors/index.js';
import { createOutputBuffer } from './output-buffer.js';

/** Time between SIGTERM and SIGKILL of a process group that outlived its timeout. */
export const KILL_GRACE_MS = 500;

/** What to run and within which limits. */
export interface RunProcessOptions {
  file: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  stdin?: string | undefined;
  timeoutMs: number;
  maxOutputBytes: number;
  signal: AbortSignal;
  killGraceMs?: number;
}

/** How a command ended. */
export interface ProcessOutcome {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  durationMs: number;
}

/** Signals the whole process group; a group that is already gone is fine. */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error: unknown) {
    // ESRCH: every member has exited already.
    void error;
  }
}

/**
 * Runs a program without a shell in its own process group; on timeout or cancellation the group gets SIGTERM, then
 * SIGKILL after a grace period; stragglers left behind after a normal exit are killed too.
 */
export function runProcess(options: RunProcessOptions): Promise<ProcessOutcome> {
  const started = performance.now();
  const stdout = createOutputBuffer(options.maxOutputBytes);
  const stderr = createOutputBuffer(options.maxOutputBytes);
  return new Promise<ProcessOutcome>((resolvePromise, reject) => {
    let ending: 'timeout' | 'cancel' | undefined;
    let child: ChildProcess;
    try {
      child = spawn(options.file, [...options.args], {
        cwd: options.cwd,
        env: options.env,
        shell: false,
        detached: true,
        stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
    } catch (error: unknown) {
      reject(new WardenError('SHELL_SPAWN_FAILED', undefined, { cause: error }));
      return;
    }
    const pid = child.pid;
    const timers: NodeJS.Timeout[] = [];
    const terminate = (why: 'timeout' | 'cancel'): void => {
      if (ending !== undefined || pid === undefined) return;
      ending = why;
      killGroup(pid, 'SIGTERM');
      timers.push(setTimeout(() => killGroup(pid, 'SIGKILL'), options.killGraceMs ?? KILL_GRACE_MS));
    };
    const onAbort = (): void => terminate('cancel');
    timers.push(setTimeout(() => terminate('timeout'), options.timeoutMs));
    options.signal.addEventListener('abort', onAbort, { once: true });
    if (options.signal.aborted) onAbort();
    const cleanup = (): void => {
      for (const timer of timers) clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
    };
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    // Background children of the command must not outlive the call, even when they keep its pipes open.
    child.on('exit', () => {
      if (pid !== undefined) killGroup(pid, 'SIGKILL');
    });
    child.on('error', (error) => {
      cleanup();
      reject(new WardenError('SHELL_SPAWN_FAILED', undefined, { cause: error }));
    });
    child.on('close', (code, signal) => {
      cleanup();
      if (ending === 'timeout') return reject(new WardenError('SHELL_TIMEOUT'));
      if (ending === 'cancel') return reject(new WardenError('CANCELLED'));
      resolvePromise({
        exitCode: code,
        signal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        stdoutTruncated: stdout.truncated,
        stderrTruncated: stderr.truncated,
        durationMs: Math.round(performance.now() - started),
      });
    });
    writeStdin(child.stdin, options.stdin);
  });
}

function writeStdin(stream: NodeJS.WritableStream | null, input: string | undefined): void {
  if (stream === null || input === undefined) return;
  // A command that exits without reading its input closes the pipe: EPIPE is expected, not a fault.
  stream.on('error', (error: unknown) => void error);
  stream.end(input);
}
