import type { ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, silentLogger } from '../log/index.js';
import { MAX_JSON_DEPTH } from '../mcp/jsonrpc.js';
import {
  MAX_LINE_BYTES,
  MAX_STDERR_LINES_PER_SECOND,
  MAX_STDIN_BACKLOG_CHARS,
  StdioTransport,
} from './stdio-transport.js';

// A child that answers each read of its stdin with the number of lines that read held, then echoes each line's id.
const CHILD = `
let tail = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  const lines = (tail + chunk).split('\\n');
  tail = lines.pop();
  let out = JSON.stringify({ jsonrpc: '2.0', method: 'read', params: { lines: lines.length } }) + '\\n';
  for (const line of lines) out += JSON.stringify({ jsonrpc: '2.0', id: JSON.parse(line).id, result: {} }) + '\\n';
  process.stdout.write(out);
});
`;

// Children that end with their stdin, so that closing them after a test takes no grace period.
const EXIT_WITH_STDIN = `process.stdin.resume(); process.stdin.on('end', () => process.exit(0));`;

let transport: StdioTransport | undefined;
afterEach(async () => {
  await transport?.close();
  transport = undefined;
});

async function start(received: unknown[], child = CHILD, logger = silentLogger()): Promise<StdioTransport> {
  const t = new StdioTransport({
    command: process.execPath,
    args: ['-e', child],
    env: { PATH: process.env.PATH ?? '' },
    logger,
  });
  t.onmessage = (message) => received.push(message);
  await t.start();
  return t;
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const ids = (messages: unknown[]): unknown[] =>
  messages.filter((m) => (m as { id?: unknown }).id !== undefined).map((m) => (m as { id: unknown }).id);
const reads = (messages: unknown[]): number[] =>
  messages
    .filter((m) => (m as { method?: unknown }).method === 'read')
    .map((m) => (m as { params: { lines: number } }).params.lines);

describe('StdioTransport', () => {
  it('writes the messages of one turn of the event loop to the child together, in order', async () => {
    const received: unknown[] = [];
    transport = await start(received);
    const stdin = (transport as unknown as { child: ChildProcess }).child.stdin!;
    const writes = vi.spyOn(stdin, 'write'); // observes the real stream; every call still goes through
    for (let id = 1; id <= 50; id++) await transport.send({ jsonrpc: '2.0', id, method: 'ping' });
    await until(() => ids(received).length === 50);
    expect(ids(received)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(writes).toHaveBeenCalledTimes(1);
    expect(reads(received).reduce((a, b) => a + b, 0)).toBe(50);
  });

  it('writes separately sent turns as they come', async () => {
    const received: unknown[] = [];
    transport = await start(received);
    await transport.send({ jsonrpc: '2.0', id: 'a', method: 'ping' });
    await until(() => ids(received).length === 1);
    await transport.send({ jsonrpc: '2.0', id: 'b', method: 'ping' });
    await until(() => ids(received).length === 2);
    expect(ids(received)).toEqual(['a', 'b']);
  });

  it('delivers what was sent just before close, and refuses sends after it with UPSTREAM_UNAVAILABLE', async () => {
    const received: unknown[] = [];
    const t = await start(received);
    await t.send({ jsonrpc: '2.0', id: 'last', method: 'ping' });
    await t.close();
    await expect(t.send({ jsonrpc: '2.0', id: 'late', method: 'ping' })).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
    });
    await until(() => ids(received).length > 0);
    expect(ids(received)).toEqual(['last']);
  });
});

describe('StdioTransport against a hostile child', () => {
  it('drops a message nested deeper than MAX_JSON_DEPTH and keeps reading the next', async () => {
    const depth = 100_000;
    const child = `
      const deep = '{"jsonrpc":"2.0","method":"deep","params":{"v":' + '['.repeat(${depth}) + ']'.repeat(${depth}) + '}}';
      process.stdout.write(deep + '\\n{"jsonrpc":"2.0","method":"after"}\\n');
      ${EXIT_WITH_STDIN}`;
    const received: unknown[] = [];
    transport = await start(received, child);
    await until(() => received.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual([{ jsonrpc: '2.0', method: 'after' }]);
    expect(MAX_JSON_DEPTH).toBeLessThan(depth);
  });

  it('refuses sends with UPSTREAM_UNAVAILABLE once MAX_STDIN_BACKLOG_CHARS wait for a child that does not read', async () => {
    transport = await start([], 'process.stdin.pause(); setInterval(() => {}, 1000);');
    const big = 'x'.repeat(1024 * 1024);
    let sent = 0;
    let refusal: unknown;
    while (sent <= 2 * MAX_STDIN_BACKLOG_CHARS && refusal === undefined) {
      await transport.send({ jsonrpc: '2.0', method: 'note', params: { big } }).then(
        () => (sent += big.length),
        (error: unknown) => (refusal = error),
      );
      await new Promise((resolve) => setImmediate(resolve)); // lets the turn's write reach the pipe
    }
    expect(refusal).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'upstream is not reading its input',
    });
    expect(sent).toBeGreaterThanOrEqual(MAX_STDIN_BACKLOG_CHARS);
    expect(sent).toBeLessThan(MAX_STDIN_BACKLOG_CHARS + 2 * big.length);
  });

  it('stops a child writing a line longer than MAX_LINE_BYTES, reading it in linear time', async () => {
    const child = `
      process.stdout.write('{"jsonrpc":"2.0","method":"go"}\\n');
      const chunk = 'x'.repeat(65536);
      let left = ${MAX_LINE_BYTES} / 65536 + 16;
      const pump = () => { while (left-- > 0) if (!process.stdout.write(chunk)) return void process.stdout.once('drain', pump); };
      setTimeout(pump, 20);
      setInterval(() => {}, 1000);`;
    const received: unknown[] = [];
    let closed: string | undefined;
    transport = await start(received, child);
    transport.onclose = (reason) => (closed = reason);
    await until(() => received.length === 1);
    const started = Date.now();
    await until(() => closed !== undefined);
    expect(closed).toBe('exited on SIGTERM');
    // Searching the whole held line again on every 64 KiB chunk took about 4.5 s here; one pass takes well under.
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('logs at most MAX_STDERR_LINES_PER_SECOND stderr lines a second and reports how many it dropped', async () => {
    const records: Array<{ msg: string; stderr?: string; dropped?: number }> = [];
    const logger = createLogger({
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          for (const line of chunk.toString().split('\n')) if (line) records.push(JSON.parse(line));
          done();
        },
      }),
    });
    const child = `
      process.stderr.write('flood\\n'.repeat(20000), () =>
        setTimeout(() => process.stderr.write('last\\n', () => process.stdout.write('{"jsonrpc":"2.0","method":"done"}\\n')), 1100));
      ${EXIT_WITH_STDIN}`;
    const received: unknown[] = [];
    transport = await start(received, child, logger);
    await until(() => received.length === 1);
    logger.flush();
    await until(() => records.some((r) => r.stderr === 'last'));
    const logged = records.filter((r) => r.msg === 'upstream stderr').length;
    const dropped = records.reduce((sum, r) => sum + (r.dropped ?? 0), 0);
    expect(logged).toBeLessThanOrEqual(2 * MAX_STDERR_LINES_PER_SECOND);
    expect(logged + dropped).toBe(20001);
  });
});
