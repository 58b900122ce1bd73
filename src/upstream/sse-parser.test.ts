import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from './sse-parser.js';

function parse(chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = new SseParser((e) => events.push(e));
  for (const c of chunks) parser.feed(c);
  return events;
}

describe('SseParser', () => {
  it('parses events split across chunks, with ids, retry and multi-line data', () => {
    const events = parse([
      'id: 7\nretry: 50',
      '0\nevent: message\ndata: {"a":',
      '1}\ndata: x\n',
      '\n: comment\n\ndata: y\r\n\r\n',
    ]);
    expect(events).toEqual([
      { event: 'message', data: '{"a":1}\nx', id: '7', retryMs: 500 },
      { event: 'message', data: 'y', id: '7', retryMs: undefined },
    ]);
  });

  it('ignores events without data and ids with NUL', () => {
    expect(parse(['event: ping\n\nid: a\0b\ndata: z\n\n'])).toEqual([
      { event: 'message', data: 'z', id: undefined, retryMs: undefined },
    ]);
  });
});
