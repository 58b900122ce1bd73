import { describe, expect, it } from 'vitest';
import { isWardenError } from '../../errors/index.js';
import { parseTarget } from './target.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'NO_ERROR';
  } catch (error) {
    return isWardenError(error) ? error.code : 'NON_WARDEN';
  }
}

describe('parseTarget', () => {
  it.each([
    ['http://2130706433/', '127.0.0.1', 80, false],
    ['http://0x7f.1:8080/', '127.0.0.1', 8080, false],
    ['https://[::ffff:127.0.0.1]/', '::ffff:7f00:1', 443, true],
    ['https://EXAMPLE.test./a#frag', 'example.test.', 443, true],
    ['http://ｅｘａｍｐｌｅ.test/', 'example.test', 80, false],
  ])('reads %s as host %s port %i', (text, host, port, tls) => {
    const target = parseTarget(text, { httpsOnly: false });
    expect([target.host, target.port, target.tls, target.url.hash]).toEqual([host, port, tls, '']);
  });

  it.each([
    ['file:///etc/passwd', 'HTTP_SCHEME_DENIED'],
    ['HTTP://a.test/', 'NO_ERROR'],
    ['blob:http://a.test/x', 'HTTP_SCHEME_DENIED'],
    ['http://u@a.test/', 'CREDENTIAL_IN_URL'],
    ['http://:p@a.test/', 'CREDENTIAL_IN_URL'],
    ['http://a.test:0/', 'HTTP_BAD_URL'],
    ['http://a test/', 'HTTP_BAD_URL'],
    ['\u0000http://a.test/', 'HTTP_BAD_URL'],
    ['http://a.test/\u0085', 'HTTP_BAD_URL'],
    ['/relative', 'HTTP_BAD_URL'],
  ])('%j → %s', (text, code) => {
    expect(codeOf(() => parseTarget(text, { httpsOnly: false }))).toBe(code);
  });

  it('refuses http when httpsOnly', () => {
    expect(codeOf(() => parseTarget('http://a.test/', { httpsOnly: true }))).toBe('HTTP_SCHEME_DENIED');
    expect(codeOf(() => parseTarget('https://a.test/', { httpsOnly: true }))).toBe('NO_ERROR');
  });
});
