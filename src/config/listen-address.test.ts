import { describe, expect, it } from 'vitest';
import { isLoopbackHost, parseListenAddress } from './listen-address.js';

describe('parseListenAddress', () => {
  it('binds localhost, in any case, to 127.0.0.1 rather than to whatever the resolver answers', () => {
    expect(parseListenAddress('localhost:8787')).toEqual({ host: '127.0.0.1', port: 8787 });
    expect(parseListenAddress('LocalHost:8787')).toEqual({ host: '127.0.0.1', port: 8787 });
  });

  it('reads :port as 127.0.0.1 and keeps bracketed IPv6 literals', () => {
    expect(parseListenAddress(':8787')).toEqual({ host: '127.0.0.1', port: 8787 });
    expect(parseListenAddress('[::1]:8787')).toEqual({ host: '::1', port: 8787 });
    expect(parseListenAddress('[::ffff:127.0.0.1]:1')).toEqual({ host: '::ffff:127.0.0.1', port: 1 });
  });

  it('refuses malformed addresses', () => {
    for (const bad of [
      '8787',
      '127.0.0.1',
      '::1:8787',
      '[::1]',
      '[localhost]:1',
      '[::1%lo]:1',
      '1.2.3.4:65536',
      'a:b',
    ])
      expect(parseListenAddress(bad), bad).toBeUndefined();
  });
});

describe('isLoopbackHost', () => {
  it('accepts only 127.0.0.0/8, ::1 and IPv4-mapped loopback', () => {
    for (const host of ['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1', 'localhost'])
      expect(isLoopbackHost(host), host).toBe(true);
  });

  it('refuses every other spelling, including ones that may reach loopback, since what they bind is not certain', () => {
    for (const host of [
      '0.0.0.0',
      '::',
      '0:0:0:0:0:0:0:0',
      '0',
      '127.1',
      '2130706433',
      '0x7f000001',
      '0177.0.0.1',
      '127.0.0.1.',
      'localhost.',
      '127.0.0.1.nip.io',
      '::ffff:0.0.0.0',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
      '10.0.0.1',
    ])
      expect(isLoopbackHost(host), host).toBe(false);
  });
});
