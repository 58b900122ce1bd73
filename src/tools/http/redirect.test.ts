import { describe, expect, it } from 'vitest';
import { isWardenError } from '../../errors/index.js';
import type { FetchMethod } from './limits.js';
import { isFollowedRedirect, nextHop, type Hop } from './redirect.js';

function hop(method: FetchMethod, body?: string): Hop {
  return {
    url: 'https://a.test/form?x=1',
    method,
    headers: new Map([
      ['authorization', 'Bearer t'],
      ['cookie', 'c=1'],
      ['content-type', 'text/plain'],
      ['x-keep', '1'],
    ]),
    body,
  };
}

describe('isFollowedRedirect', () => {
  it.each([
    [301, true],
    [302, true],
    [303, true],
    [307, true],
    [308, true],
    [300, false],
    [304, false],
    [305, false],
    [306, false],
    [200, false],
  ])('%i → %s', (status, followed) => {
    expect(isFollowedRedirect(status)).toBe(followed);
  });
});

describe('nextHop', () => {
  it.each([
    [301, 'POST', 'GET', undefined],
    [302, 'POST', 'GET', undefined],
    [303, 'POST', 'GET', undefined],
    [303, 'PUT', 'GET', undefined],
    [303, 'DELETE', 'GET', undefined],
    [303, 'HEAD', 'HEAD', undefined],
    [302, 'PUT', 'PUT', 'b'],
    [301, 'DELETE', 'DELETE', 'b'],
    [307, 'POST', 'POST', 'b'],
    [308, 'PATCH', 'PATCH', 'b'],
  ] as const)('%i after %s continues as %s with body %j', (status, method, nextMethod, nextBody) => {
    const next = nextHop(hop(method, method === 'HEAD' ? undefined : 'b'), status, '/done');
    expect([next.method, next.body, next.headers.has('content-type')]).toEqual([
      nextMethod,
      nextBody,
      nextMethod === method,
    ]);
  });

  it('resolves relative locations against the current URL and keeps credentials on the same origin', () => {
    const next = nextHop(hop('GET'), 302, '../other?y=2#frag');
    expect(next.url).toBe('https://a.test/other?y=2#frag');
    expect([...next.headers.keys()]).toEqual(['authorization', 'cookie', 'content-type', 'x-keep']);
  });

  it.each(['https://b.test/', 'http://a.test/form', 'https://a.test:444/'])(
    'drops Authorization and Cookie on a move to %s',
    (location) => {
      const next = nextHop(hop('GET'), 302, location);
      expect([...next.headers.keys()]).toEqual(['content-type', 'x-keep']);
    },
  );

  it('refuses a malformed Location with HTTP_BAD_URL', () => {
    let caught: unknown;
    try {
      nextHop(hop('GET'), 302, 'http://[::1');
    } catch (error) {
      caught = error;
    }
    expect(isWardenError(caught, 'HTTP_BAD_URL')).toBe(true);
  });
});
