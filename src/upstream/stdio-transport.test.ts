import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../log/index.js';
import { StdioTransport } from './stdio-transport.js';

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

let transport: StdioTransport | undefined;
afterEach(async () => {
  await transport?.close();
  transport = undefined;
});

async function start(received: unknown[]): Promise<StdioTransport> {
  const t = new StdioTransport({
    command: process.execPath,
    args: ['-e', CHILD],
    env: { PATH: process.env.PATH ?? '' },
    logger: silentLogger(),
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
