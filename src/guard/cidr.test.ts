import { describe, expect, it } from 'vitest';
import { isWardenError } from '../errors/index.js';
import { cidrContains, compileIpAllowList, parseCidr } from './cidr.js';
import { parseIp } from './ip-address.js';

const ip = (s: string) => parseIp(s)!;

describe('parseCidr and cidrContains', () => {
  it('matches IPv4 blocks on bit boundaries', () => {
    const block = parseCidr('10.0.0.0/8');
    expect(cidrContains(block, ip('10.255.1.1'))).toBe(true);
    expect(cidrContains(block, ip('11.0.0.0'))).toBe(false);
    const odd = parseCidr('192.168.1.64/27');
    expect(cidrContains(odd, ip('192.168.1.95'))).toBe(true);
    expect(cidrContains(odd, ip('192.168.1.96'))).toBe(false);
    expect(cidrContains(odd, ip('192.168.1.63'))).toBe(false);
  });

  it('treats a bare address as a single host', () => {
    const host = parseCidr('203.0.113.7');
    expect(host.prefix).toBe(32);
    expect(cidrContains(host, ip('203.0.113.7'))).toBe(true);
    expect(cidrContains(host, ip('203.0.113.8'))).toBe(false);
  });

  it('matches IPv6 blocks and never mixes families', () => {
    const block = parseCidr('2001:db8::/32');
    expect(cidrContains(block, ip('2001:db8:ffff::1'))).toBe(true);
    expect(cidrContains(block, ip('2001:db9::1'))).toBe(false);
    expect(cidrContains(parseCidr('0.0.0.0/0'), ip('::1'))).toBe(false);
    expect(cidrContains(parseCidr('::/0'), ip('10.0.0.1'))).toBe(false);
  });

  it('an IPv4 entry covers IPv4-mapped IPv6 clients and a mapped entry covers IPv4 clients', () => {
    expect(cidrContains(parseCidr('10.0.0.0/8'), ip('::ffff:10.1.1.1'))).toBe(true);
    const mapped = parseCidr('::ffff:10.0.0.0/104');
    expect(mapped).toMatchObject({ family: 4, prefix: 8, bytes: new Uint8Array([10, 0, 0, 0]) });
    expect(cidrContains(mapped, ip('10.9.9.9'))).toBe(true);
  });

  it('refuses malformed entries with CONFIG_INVALID', () => {
    for (const bad of [
      '10.0.0.0/33',
      '10.0.0.0/-1',
      '10.0.0.0/',
      'x/8',
      '2001:db8::/129',
      '10.0.0.0/8/8',
      '',
      '10.0.0.0/ 8',
    ]) {
      expect(() => parseCidr(bad), bad).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
  });

  it('compiles allowlists where empty admits nothing special and any entry may match', () => {
    const list = compileIpAllowList(['10.0.0.0/8', '::1']);
    expect(list.empty).toBe(false);
    expect(list.contains(ip('10.2.3.4'))).toBe(true);
    expect(list.contains(ip('::1'))).toBe(true);
    expect(list.contains(ip('192.168.0.1'))).toBe(false);
    expect(compileIpAllowList([]).empty).toBe(true);
    try {
      compileIpAllowList(['10.0.0.0/8', 'nonsense']);
      expect.unreachable();
    } catch (error) {
      expect(isWardenError(error, 'CONFIG_INVALID')).toBe(true);
    }
  });
});
