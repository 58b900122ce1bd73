import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** Longest a spawned test process may take to exit after SIGTERM before it is killed. */
export const STOP_GRACE_MS = 5_000;
const MAX_LOG_CHARS = 256 * 1024;

/** A spawned process whose output is kept (bounded) for failure reports. */
export interface TestChild {
  readonly process: ChildProcess;
  /** Combined stdout and stderr so far. */
  log(this: void): string;
  /** Resolves with the first stdout line matching `pattern`; rejects on exit or after `timeoutMs`. */
  waitForLine(this: void, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL after {@link STOP_GRACE_MS}; resolves once the process has exited. */
  stop(this: void): Promise<void>;
}

/** Spawns `command args` (no shell) and collects its output. */
export function spawnChild(command: string, args: readonly string[], options: SpawnOptions = {}): TestChild {
  const child = spawn(command, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
  let log = '';
  let stdoutText = '';
  const listeners = new Set<() => void>();
  const record = (chunk: Buffer, isStdout: boolean): void => {
    const text = chunk.toString('utf8');
    if (log.length < MAX_LOG_CHARS) log += text;
    if (isStdout && stdoutText.length < MAX_LOG_CHARS) stdoutText += text;
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', (chunk: Buffer) => record(chunk, true));
  child.stderr?.on('data', (chunk: Buffer) => record(chunk, false));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    log: () => log,
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const cleanup = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        const check = (): void => {
          for (const line of stdoutText.split('\n')) {
            const match = pattern.exec(line);
            if (match) {
              cleanup();
              resolve(match);
              return;
            }
          }
        };
        const onExit = (code: number | null): void => {
          cleanup();
          reject(new Error(`process exited (${code}) before printing ${pattern}:\n${log}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}:\n${log}`));
        }, timeoutMs);
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
