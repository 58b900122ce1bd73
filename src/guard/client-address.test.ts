import { describe, expect, it } from 'vitest';
import { compileIpAllowList } from './cidr.js';
import { PEER_MEMO_ENTRIES, resolveClientAddress } from './client-address.js';

const proxies = compileIpAllowList(['10.0.0.0/8']);
const none = compileIpAllowList([]);
const resolve = (headers: Record<string, string | string[]>, peer: string, trusted = proxies) =>
  resolveClientAddress(headers, peer, trusted).text;

describe('resolveClientAddress', () => {
  it('uses the socket peer when no proxy is trusted', () => {
    expect(resolve({ 'x-forwarded-for': '1.2.3.4' }, '203.0.113.9', none)).toBe('203.0.113.9');
  });

  it('ignores spoofed X-Forwarded-For and Forwarded from an untrusted peer', () => {
    expect(resolve({ 'x-forwarded-for': '127.0.0.1' }, '203.0.113.9')).toBe('203.0.113.9');
    expect(resolve({ forwarded: 'for=127.0.0.1' }, '203.0.113.9')).toBe('203.0.113.9');
  });

  it('takes the rightmost untrusted hop from a trusted proxy, not the leftmost one the client wrote', () => {
    expect(resolve({ 'x-forwarded-for': '127.0.0.1, 198.51.100.7, 10.0.0.5' }, '10.0.0.1')).toBe(
      '198.51.100.7',
    );
    expect(resolve({ 'x-forwarded-for': ['127.0.0.1', '198.51.100.7'] }, '10.0.0.1')).toBe('198.51.100.7');
  });

  it('parses RFC 7239 Forwarded with quoted IPv6 and ports, preferring it over X-Forwarded-For', () => {
    const headers = {
      forwarded: 'for=192.0.2.1;proto=https, for="[2001:db8::7]:4711";by=10.0.0.2',
      'x-forwarded-for': '192.0.2.99',
    };
    expect(resolve(headers, '10.0.0.1')).toBe('2001:db8::7');
    expect(resolve({ forwarded: 'For="198.51.100.1:8080"' }, '10.0.0.1')).toBe('198.51.100.1');
  });

  it('normalises IPv4-mapped peers and hops before comparing with trusted proxies', () => {
    expect(resolve({ 'x-forwarded-for': '198.51.100.7' }, '::ffff:10.0.0.1')).toBe('198.51.100.7');
    expect(resolve({ 'x-forwarded-for': '::ffff:198.51.100.8' }, '10.0.0.1')).toBe('198.51.100.8');
    expect(resolve({}, '::ffff:203.0.113.1', none)).toBe('203.0.113.1');
  });

  it('returns the leftmost hop when every hop is a trusted proxy', () => {
    expect(resolve({ 'x-forwarded-for': '10.0.0.9, 10.0.0.8' }, '10.0.0.1')).toBe('10.0.0.9');
  });

  it('refuses malformed chains from a trusted proxy with IP_DENIED', () => {
    for (const headers of [
      { 'x-forwarded-for': 'evil, 10.0.0.2' },
      { 'x-forwarded-for': '198.51.100.1,' },
      { forwarded: 'for=unknown' },
      { forwarded: 'proto=https' },
      { forwarded: 'for=_hidden' },
      { 'x-forwarded-for': Array.from({ length: 40 }, () => '10.0.0.3').join(',') },
    ]) {
      expect(() => resolve(headers, '10.0.0.1'), JSON.stringify(headers)).toThrow(
        expect.objectContaining({ code: 'IP_DENIED' }),
      );
    }
  });

  it('refuses a socket peer that is not an address', () => {
    expect(() => resolve({}, '')).toThrow(expect.objectContaining({ code: 'IP_DENIED' }));
  });

  it('resolves every peer right while more distinct peers arrive than it remembers', () => {
    for (let i = 0; i < PEER_MEMO_ENTRIES * 3; i++) {
      const peer = `198.51.${i >> 8}.${i & 255}`;
      expect(resolve({ 'x-forwarded-for': '1.2.3.4' }, peer, none)).toBe(peer);
      expect(resolve({}, `::ffff:${peer}`, none)).toBe(peer);
    }
    expect(resolve({ 'x-forwarded-for': '1.2.3.4' }, '10.0.0.1')).toBe('1.2.3.4');
    expect(() => resolve({}, 'not-an-address')).toThrow(expect.objectContaining({ code: 'IP_DENIED' }));
    expect(() => resolve({}, 'not-an-address')).toThrow(expect.objectContaining({ code: 'IP_DENIED' }));
  });
});
