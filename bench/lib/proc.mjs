// Child processes of the benchmark: spawning servers, waiting for them, and stopping them (with their children).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import process from 'node:process';
import { setTimeout as delay } from 'node:timers/promises';
import { clearTimeout, setTimeout } from 'node:timers';
import { performance } from 'node:perf_hooks';

const { fetch, AbortSignal } = globalThis;

export const STOP_GRACE_MS = 2000;
export const START_TIMEOUT_MS = 30_000;

/** Asks the kernel for a free loopback TCP port (closed again at once; the tiny race is acceptable here). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Spawns a child in its own process group, keeping the tail of its output for error reports. */
export function startChild(command, args, { env = {}, cwd, stdin = 'ignore' } = {}) {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: [stdin, 'pipe', 'pipe'],
    detached: true,
  });
  let tail = '';
  let stdoutBuffer = '';
  const lineWaiters = [];
  const keep = (chunk) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', (chunk) => {
    keep(chunk);
    stdoutBuffer = (stdoutBuffer + chunk.toString('utf8')).slice(-16_000);
    for (const waiter of [...lineWaiters]) waiter();
  });
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let exitInfo = null;
  void exited.then((info) => {
    exitInfo = info;
    for (const waiter of [...lineWaiters]) waiter();
  });
  return {
    child,
    pid: child.pid,
    exited,
    tail: () => tail,
    /** Resolves with the first match of `pattern` in stdout. */
    waitForStdout(pattern, timeoutMs = START_TIMEOUT_MS) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => done(new Error(`timed out waiting for ${pattern}: ${tail.slice(-500)}`)),
          timeoutMs,
        );
        const check = () => {
          const match = pattern.exec(stdoutBuffer);
          if (match) done(null, match);
          else if (exitInfo)
            done(new Error(`exited (${exitInfo.code ?? exitInfo.signal}): ${tail.slice(-500)}`));
        };
        const done = (error, match) => {
          clearTimeout(timer);
          lineWaiters.splice(lineWaiters.indexOf(check), 1);
          if (error) reject(error);
          else resolve(match);
        };
        lineWaiters.push(check);
        check();
      });
    },
    async stop() {
      if (exitInfo) return exitInfo;
      signalGroup(child.pid, 'SIGTERM');
      const result = await Promise.race([exited, delay(STOP_GRACE_MS, null, { ref: false })]);
      if (result) {
        signalGroup(child.pid, 'SIGKILL');
        return result;
      }
      signalGroup(child.pid, 'SIGKILL');
      return exited;
    },
  };
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if (error?.code !== 'ESRCH') throw error;
  }
}

/** Runs a node script to completion and returns its stdout; rejects with the stderr tail on failure or timeout. */
export async function runNode(args, { env = {}, timeoutMs = 300_000 } = {}) {
  const proc = startChild(process.execPath, args, { env });
  let out = '';
  proc.child.stdout.on('data', (chunk) => {
    out += chunk.toString('utf8');
  });
  const timer = delay(timeoutMs, 'timeout', { ref: false });
  const outcome = await Promise.race([proc.exited, timer]);
  if (outcome === 'timeout') {
    await proc.stop();
    throw new Error(`timed out after ${timeoutMs} ms`);
  }
  if (outcome.code !== 0)
    throw new Error(`exit ${outcome.code ?? outcome.signal}: ${proc.tail().slice(-600)}`);
  return out;
}

/** Parses the last line of `text` that is a JSON object. */
export function lastJsonLine(text) {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      return JSON.parse(line);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
    }
  }
  throw new Error('no JSON line in output');
}

/** Polls `url` until it answers with `status`, returning the milliseconds waited. */
export async function waitForHttp(
  url,
  { status = 200, timeoutMs = START_TIMEOUT_MS, intervalMs = 5, headers = {} } = {},
) {
  const started = performance.now();
  for (let attempt = 0; performance.now() - started < timeoutMs; attempt += 1) {
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === status) return performance.now() - started;
    } catch (error) {
      if (!(error instanceof TypeError) && error?.name !== 'TimeoutError') throw error;
    }
    await delay(intervalMs);
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms`);
}

/** Resident set size and descriptor count of a process, from /proc. */
export function processStats(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return { rssBytes: rssKb * 1024, fds: readdirSync(`/proc/${pid}/fd`).length };
}

/** Pids of every descendant of `pid`, from /proc. */
export function descendants(pid) {
  const parentOf = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch (error) {
      if (error?.code !== 'ENOENT' && error?.code !== 'ESRCH') throw error;
    }
  }
  const found = [];
  const frontier = [pid];
  while (frontier.length > 0) {
    const current = frontier.pop();
    for (const [child, parent] of parentOf) {
      if (parent === current) {
        found.push(child);
        frontier.push(child);
      }
    }
  }
  return found;
}
