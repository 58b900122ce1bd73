import { describe, expect, it } from 'vitest';
import { cidrContains, formatIpAddress, normaliseAddress, parseCidr, parseIpAddress } from './cidr.js';

function ip(text: string) {
  const parsed = parseIpAddress(text);
  if (parsed === undefined) throw new Error(`not an address: ${text}`);
  return parsed;
}

describe('parseIpAddress', () => {
  it.each([
    ['127.0.0.1', 4, [127, 0, 0, 1]],
    ['::1', 6, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
    ['[::1]', 6, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
    ['::ffff:1.2.3.4', 6, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]],
    ['1:2:3:4:5:6:7:8', 6, [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]],
    ['fe80::1%eth0', 6, [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
    ['1::', 6, [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
  ])('parses %s', (text, family, bytes) => {
    expect(parseIpAddress(text)).toEqual({ family, bytes: Uint8Array.from(bytes) });
  });

  it.each([
    '',
    'localhost',
    '127.1',
    '256.0.0.1',
    '1.2.3',
    '::1::2',
    '[::1',
    'fe80::1%',
    '01.2.3.4',
    '::ffff:1.2.3',
  ])('refuses %j', (text) => {
    expect(parseIpAddress(text)).toBeUndefined();
  });
});

describe('normaliseAddress and formatIpAddress', () => {
  it('turns IPv4-mapped IPv6 into IPv4', () => {
    expect(formatIpAddress(normaliseAddress(ip('::ffff:7f00:1')))).toBe('127.0.0.1');
  });

  it('leaves IPv4-compatible and other IPv6 alone, formatted compressed', () => {
    expect(formatIpAddress(normaliseAddress(ip('::7f00:1')))).toBe('::7f00:1');
    expect(formatIpAddress(ip('2001:DB8:0:0:0:0:0:1'))).toBe('2001:db8::1');
  });

  it.each([
    ['1:0:0:1:0:0:0:1', '1:0:0:1::1'], // the longest run of zero groups
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'], // the first of two equal runs
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'], // a single zero group stays
    ['0:0:0:0:0:0:0:0', '::'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['00AB:0CD:0:0:0:0:0:0', 'ab:cd::'],
  ])('formats %s as %s (RFC 5952)', (text, canonical) => {
    expect(formatIpAddress(ip(text))).toBe(canonical);
  });

  it('formats IPv6 exactly as the WHATWG URL serialiser does, over random addresses with zero runs', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 2000; n++) {
      const groups = Array.from({ length: 8 }, () => (random() < 0.5 ? 0 : Math.floor(random() * 0x10000)));
      const address = ip(groups.map((g) => g.toString(16)).join(':'));
      const viaUrl = new URL(`http://[${groups.map((g) => g.toString(16)).join(':')}]/`).hostname.slice(
        1,
        -1,
      );
      expect(formatIpAddress(address)).toBe(viaUrl);
    }
  });
});

describe('parseCidr and cidrContains', () => {
  it.each([
    ['10.0.0.0/8', '10.200.1.1', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['10.1.2.3/8', '10.9.9.9', true],
    ['172.16.0.0/12', '172.31.255.255', true],
    ['172.16.0.0/12', '172.32.0.0', false],
    ['127.0.0.1', '127.0.0.1', true],
    ['127.0.0.1', '127.0.0.2', false],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['0.0.0.0/0', '::1', false],
    ['127.0.0.0/8', '::ffff:127.0.0.1', true],
    ['::ffff:10.0.0.0/104', '10.1.1.1', true],
    ['fe80::/10', 'febf::1', true],
    ['fe80::/10', 'fec0::1', false],
    ['::/0', '2001:db8::1', true],
    ['2001:db8::/32', '2001:db9::', false],
  ])('%s contains %s: %s', (block, address, expected) => {
    const cidr = parseCidr(block);
    expect(cidr).toBeDefined();
    expect(cidrContains(cidr!, ip(address))).toBe(expected);
  });

  it.each([
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/',
    '10.0.0.0/-1',
    '10.0.0.0/8/8',
    'x/8',
    '::ffff:0:0/95',
    'fe80::1%lo/64',
    '10.0.0.0/ 8',
  ])('refuses %j', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});
