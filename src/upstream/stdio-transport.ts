import { spawn, type ChildProcess } from 'node:child_process';
import { WardenError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { exceedsDepth } from '../mcp/jsonrpc.js';
import type { JsonRpcMessage } from '../mcp/wire.js';
import { trackChild, untrackChild } from './process-registry.js';
import type { UpstreamTransport } from './transport.js';

/** Longest line an upstream may write before it is treated as a flood and stopped. */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;
/** How long a child gets after stdin closes and after SIGTERM before the next, harsher step. */
export const STOP_GRACE_MS = 2000;
/** Most characters Warden holds for a child that does not read its stdin; sends fail until it catches up. */
export const MAX_STDIN_BACKLOG_CHARS = 16 * 1024 * 1024;
/** Most stderr lines of one child logged per second; the rest are counted, and the count is logged. */
export const MAX_STDERR_LINES_PER_SECOND = 100;
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
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', stderrLog(logger, redact));
    });
  }

  private onData(chunk: string): void {
    // Only the new chunk is searched for newlines: searching the held text again on every chunk made one long
    // line cost quadratic time, seconds of a blocked event loop for a line just under the limit.
    let start = 0;
    for (let newline = chunk.indexOf('\n'); newline !== -1; newline = chunk.indexOf('\n', start)) {
      const line = this.pending + chunk.slice(start, newline);
      this.pending = '';
      start = newline + 1;
      if (line.length > 0 && line !== '\r') this.onLine(line);
    }
    this.pending += chunk.slice(start);
    if (this.pending.length > MAX_LINE_BYTES) {
      this.options.logger.error('upstream wrote an over-long line; stopping it');
      this.pending = '';
      void this.kill('line too long');
    }
  }

  private onLine(line: string): void {
    // Deeper values would overflow the stack of whatever serialises them later (a relayed progress notification
    // did so inside this stream's data handler, which ended Warden).
    if (exceedsDepth(line)) {
      this.options.logger.warn('upstream wrote a message nested too deeply; dropped');
      return;
    }
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
    // A child that stops reading would otherwise make Warden buffer every later message (its own pings, answered
    // in a loop, included) until memory runs out.
    if (stdin.writableLength + (this.outgoing?.length ?? 0) >= MAX_STDIN_BACKLOG_CHARS) {
      return Promise.reject(new WardenError('UPSTREAM_UNAVAILABLE', 'upstream is not reading its input'));
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

/** Logs a child's stderr line by line, each cut to MAX_STDERR_LINE_CHARS, at most MAX_STDERR_LINES_PER_SECOND. */
function stderrLog(logger: Logger, redact: (text: string) => string): (chunk: string) => void {
  let tail = '';
  let windowStart = 0;
  let logged = 0;
  let dropped = 0;
  return (chunk) => {
    const lines = (tail + chunk).split('\n');
    tail = (lines.pop() ?? '').slice(-MAX_STDERR_LINE_CHARS);
    for (const line of lines) {
      if (!line.trim()) continue;
      const now = Date.now();
      if (now - windowStart >= 1000) {
        if (dropped > 0) logger.warn({ dropped }, 'upstream stderr lines dropped (flood)');
        windowStart = now;
        logged = 0;
        dropped = 0;
      }
      // A flood of short lines costs the child nothing and Warden a log record each: CPU and log volume.
      if (logged >= MAX_STDERR_LINES_PER_SECOND) dropped++;
      else {
        logged++;
        logger.info({ stderr: redact(line.slice(0, MAX_STDERR_LINE_CHARS)) }, 'upstream stderr');
      }
    }
  };
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
