import { describe, expect, it } from 'vitest';
import { decodeTextBody, safeResponseHeaders, toToolResult } from './to-result.js';

describe('decodeTextBody', () => {
  it.each([
    ['text/html; charset=UTF-8', Buffer.from('<p>é</p>'), '<p>é</p>'],
    ['application/problem+json', Buffer.from('{}'), '{}'],
    ['image/svg+xml', Buffer.from('<svg/>'), '<svg/>'],
    [undefined, Buffer.from('plain'), 'plain'],
    [undefined, Buffer.from([0x61, 0x00]), undefined],
    ['text/plain', Buffer.from([0xff, 0xfe]), undefined],
    ['text/plain; charset=iso-8859-1', Buffer.from('abc'), undefined],
    ['image/png', Buffer.from('abc'), undefined],
  ])('%s %j → %j', (type, body, text) => {
    expect(decodeTextBody(body, type)).toBe(text);
  });
});

describe('toToolResult', () => {
  it('keeps only safe response headers and describes the body', () => {
    const result = toToolResult({
      url: 'https://a.test/x',
      status: 201,
      statusText: 'Created',
      headers: { 'content-type': 'image/png', 'set-cookie': ['s=1'], server: 'internal/1.2', etag: '"1"' },
      body: Buffer.from([1, 2, 3]),
      redirects: 1,
    });
    expect(result).toEqual({
      content: [
        { type: 'resource', resource: { uri: 'https://a.test/x', mimeType: 'image/png', blob: 'AQID' } },
      ],
      structuredContent: {
        url: 'https://a.test/x',
        status: 201,
        statusText: 'Created',
        headers: { 'content-type': 'image/png', etag: '"1"' },
        redirects: 1,
        mimeType: 'image/png',
        bodyEncoding: 'base64',
        bodyBytes: 3,
      },
    });
  });

  it('drops header values that are not single strings', () => {
    expect(safeResponseHeaders({ vary: 'a', 'content-type': undefined })).toEqual({ vary: 'a' });
  });
});
