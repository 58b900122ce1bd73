import { describe, expect, it } from 'vitest';
import { classify, exceedsDepth, parseMessage } from './jsonrpc.js';

describe('classify', () => {
  it('recognises requests, notifications and responses', () => {
    expect(classify({ jsonrpc: '2.0', id: 1, method: 'ping' }).kind).toBe('request');
    expect(classify({ jsonrpc: '2.0', method: 'notifications/initialized' }).kind).toBe('notification');
    expect(classify({ jsonrpc: '2.0', id: 'a', result: {} }).kind).toBe('response');
    expect(classify({ jsonrpc: '2.0', id: 2, error: { code: -1, message: 'x' } }).kind).toBe('response');
  });

  it.each([
    [null, null, 'message must be a JSON object'],
    [[], null, 'message must be a JSON object'],
    ['text', null, 'message must be a JSON object'],
    [{ jsonrpc: '1.0', id: 1, method: 'x' }, 1, 'jsonrpc must be "2.0"'],
    [{ jsonrpc: '2.0', id: null, method: 'x' }, null, 'id must be a string or an integer'],
    [{ jsonrpc: '2.0', id: 1.5, method: 'x' }, null, 'id must be a string or an integer'],
    [{ jsonrpc: '2.0', id: {}, method: 'x' }, null, 'id must be a string or an integer'],
    [{ jsonrpc: '2.0', id: 'x'.repeat(300), method: 'x' }, null, 'id must be a string or an integer'],
    [{ jsonrpc: '2.0', id: 1, method: '' }, 1, 'method must be a non-empty string'],
    [{ jsonrpc: '2.0', id: 1, method: 7 }, 1, 'method must be a non-empty string'],
    [{ jsonrpc: '2.0', id: 1, method: 'x', params: [1, 2] }, 1, 'params must be an object'],
    [{ jsonrpc: '2.0', id: 1, method: 'x', params: 'p' }, 1, 'params must be an object'],
    [{ jsonrpc: '2.0', result: {} }, null, 'a response needs an id'],
    [{ jsonrpc: '2.0', id: 1 }, 1, 'a response has exactly one of result and error'],
    [
      { jsonrpc: '2.0', id: 1, result: {}, error: { code: 1, message: '' } },
      1,
      'a response has exactly one of result and error',
    ],
    [{ jsonrpc: '2.0', id: 1, result: 5 }, 1, 'result must be an object'],
    [
      { jsonrpc: '2.0', id: 1, error: { code: 'x', message: 'm' } },
      1,
      'error must have an integer code and a message',
    ],
  ])('rejects %j', (value, id, reason) => {
    expect(classify(value)).toEqual({ kind: 'invalid', id, reason });
  });
});

describe('parseMessage', () => {
  it('returns a parse error for invalid JSON', () => {
    expect(parseMessage('{"jsonrpc":')).toEqual({
      ok: false,
      response: { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: invalid JSON' } },
    });
  });

  it('refuses hostile nesting before parsing it', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(parseMessage(deep)).toEqual({
      ok: false,
      response: { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'message nested too deeply' } },
    });
  });

  it('does not count brackets inside strings', () => {
    expect(exceedsDepth(JSON.stringify({ s: '['.repeat(1000) }))).toBe(false);
    expect(exceedsDepth(JSON.stringify({ s: '\\"[[[' }))).toBe(false);
    expect(exceedsDepth('['.repeat(65) + ']'.repeat(65))).toBe(true);
    expect(exceedsDepth('['.repeat(64) + ']'.repeat(64))).toBe(false);
  });
});
