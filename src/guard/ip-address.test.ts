import { describe, expect, it } from 'vitest';
import { isLoopbackIp, parseIp } from './ip-address.js';

describe('parseIp', () => {
  it('parses IPv4 and canonicalises it', () => {
    expect(parseIp('10.1.2.3')).toEqual({
      family: 4,
      bytes: new Uint8Array([10, 1, 2, 3]),
      text: '10.1.2.3',
    });
  });

  it('normalises IPv4-mapped IPv6 in dotted and hex spellings to IPv4', () => {
    expect(parseIp('::ffff:10.0.0.1')?.text).toBe('10.0.0.1');
    expect(parseIp('::FFFF:a00:1')?.text).toBe('10.0.0.1');
    expect(parseIp('[::ffff:127.0.0.1]')?.family).toBe(4);
    expect(parseIp('0:0:0:0:0:ffff:c0a8:0101')?.text).toBe('192.168.1.1');
  });

  it('canonicalises IPv6 and strips brackets and zone ids', () => {
    expect(parseIp('2001:DB8:0:0:0:0:0:1')?.text).toBe('2001:db8::1');
    expect(parseIp('[fe80::1%eth0]')?.text).toBe('fe80::1');
    expect(parseIp('::')?.text).toBe('::');
    expect(parseIp('::1')?.text).toBe('::1');
  });

  it('refuses everything that is not an address', () => {
    for (const bad of [
      '',
      'localhost',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '01.2.3.4',
      '1.2.3.4:80',
      'unknown',
      '::g',
      '0x7f.1',
      '127.1',
      '10.0.0.1%eth0', // a zone belongs to IPv6 link-local addresses only
      'fe80::1%eth 0', // a zone of other characters than letters, digits, _ . -
      'fe80::1%a/b',
      'fe80::1%',
    ]) {
      expect(parseIp(bad), bad).toBeUndefined();
    }
  });

  it('recognises loopback after normalisation', () => {
    expect(isLoopbackIp(parseIp('127.9.9.9')!)).toBe(true);
    expect(isLoopbackIp(parseIp('::ffff:127.0.0.1')!)).toBe(true);
    expect(isLoopbackIp(parseIp('::1')!)).toBe(true);
    expect(isLoopbackIp(parseIp('::2')!)).toBe(false);
    expect(isLoopbackIp(parseIp('10.0.0.1')!)).toBe(false);
  });
});
