import { spawn, type ChildProcess } from 'node:child_process';
import { WardenError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { JsonRpcMessage } from '../mcp/wire.js';
import { trackChild, untrackChild } from './process-registry.js';
import type { UpstreamTransport } from './transport.js';

/** Longest line an upstream may write before it is treated as a flood and stopped. */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;
/** How long a child gets after stdin closes and after SIGTERM before the next, harsher step. */
export const STOP_GRACE_MS = 2000;
const MAX_STDERR_LINE_CHARS = 2000;

/** Options for {@link StdioTransport}. */
export interface StdioTransportOptions {
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  cwd?: string | undefined;
  logger: Logger;
  /** Masks secrets in stderr lines before they are logged (upstreams print tokens from their own environment). */
  redactText?: ((text: string) => string) | undefined;
}

/**
 * Runs an upstream MCP server as a child process in its own process group and speaks newline-delimited JSON-RPC
 * over its stdin/stdout. Stopping it kills the whole group, so no grandchild outlives it.
 */
export class StdioTransport implements UpstreamTransport {
  onmessage?: (message: unknown) => void;
  onclose?: (reason: string) => void;
  private child: ChildProcess | undefined;
  private pending = '';
  /** Lines sent in this turn of the event loop, written together at its end. */
  private outgoing: string | undefined;
  private closing = false;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly options: StdioTransportOptions) {}

  start(): Promise<void> {
    const { command, args, env, cwd, logger } = this.options;
    const redact = this.options.redactText ?? ((text: string) => text);
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, {
        env,
        cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
        shell: false,
        windowsHide: true,
      });
      this.child = child;
      this.exited = new Promise((done) => child.once('exit', () => done()));
      child.once('error', (error) => {
        reject(new WardenError('UPSTREAM_UNAVAILABLE', `cannot start ${command}`, { cause: error }));
      });
      child.once('spawn', () => {
        if (child.pid !== undefined) trackChild(child.pid);
        resolve();
      });
      child.once('exit', (code, signal) => {
        if (child.pid !== undefined) untrackChild(child.pid);
        if (!this.closing)
          this.onclose?.(signal ? `exited on ${signal}` : `exited with code ${code ?? 'unknown'}`);
      });
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => this.onData(chunk));
      child.stdin?.on('error', (error) => logger.debug({ err: error }, 'upstream stdin error'));
      let stderrTail = '';
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        const lines = (stderrTail + chunk).split('\n');
        stderrTail = (lines.pop() ?? '').slice(-MAX_STDERR_LINE_CHARS);
        for (const line of lines)
          if (line.trim())
            logger.info({ stderr: redact(line.slice(0, MAX_STDERR_LINE_CHARS)) }, 'upstream stderr');
      });
    });
  }

  private onData(chunk: string): void {
    let text = this.pending + chunk;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      const line = text.slice(0, newline);
      text = text.slice(newline + 1);
      if (line.length > 0 && line !== '\r') this.onLine(line);
      newline = text.indexOf('\n');
    }
    if (text.length > MAX_LINE_BYTES) {
      this.options.logger.error('upstream wrote an over-long line; stopping it');
      this.pending = '';
      void this.kill('line too long');
      return;
    }
    this.pending = text;
  }

  private onLine(line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.options.logger.warn({ line: line.slice(0, 200) }, 'upstream wrote a non-JSON line on stdout');
      return;
    }
    this.onmessage?.(value);
  }

  send(message: JsonRpcMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed || !stdin.writable) {
      return Promise.reject(new WardenError('UPSTREAM_UNAVAILABLE', 'upstream process is not running'));
    }
    const line = JSON.stringify(message) + '\n';
    if (this.outgoing === undefined) {
      // Calls arriving on several client connections in one turn of the event loop reach the child in one
      // write: one system call and one wake-up of the child instead of one per message.
      this.outgoing = line;
      setImmediate(this.flushOutgoing);
    } else this.outgoing += line;
    return Promise.resolve();
  }

  private readonly flushOutgoing = (): void => {
    const text = this.outgoing;
    this.outgoing = undefined;
    const stdin = this.child?.stdin;
    if (text !== undefined && stdin && !stdin.destroyed && stdin.writable) stdin.write(text);
  };

  private async kill(reason: string): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.options.logger.debug({ reason }, 'stopping upstream process group');
    signalGroup(child, 'SIGTERM');
    if (await settlesWithin(this.exited, STOP_GRACE_MS)) return;
    signalGroup(child, 'SIGKILL');
    await this.exited;
  }

  /** Closes stdin (the polite stop), then SIGTERM and SIGKILL to the whole process group. */
  async close(): Promise<void> {
    this.closing = true;
    const child = this.child;
    if (!child) return;
    this.flushOutgoing();
    child.stdin?.end();
    if (!(await settlesWithin(this.exited, STOP_GRACE_MS / 2))) await this.kill('close');
    // Grandchildren may outlive the leader; the group signal reaches them even after it has exited.
    signalGroup(child, 'SIGKILL');
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    // ESRCH: the group is already gone, which is the goal.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
