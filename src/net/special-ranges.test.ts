import { describe, expect, it } from 'vitest';
import { EMPTY_ALLOW_LIST } from './allow-list.js';
import { isForbiddenAddress } from './address-policy.js';
import { classifyAddress, type AddressCategory } from './special-ranges.js';

// Public examples are classified only; nothing in this file opens a socket.
const TABLE: [string, AddressCategory | undefined][] = [
  // IPv4 special-purpose ranges
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['10.0.0.5', 'private'],
  ['10.255.255.255', 'private'],
  ['100.64.0.1', 'cgnat'],
  ['100.127.255.254', 'cgnat'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['169.254.169.254', 'link-local'],
  ['169.254.0.1', 'link-local'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.0.0.8', 'ietf'],
  ['192.0.2.1', 'documentation'],
  ['192.88.99.1', 'reserved'],
  ['192.168.1.10', 'private'],
  ['198.18.0.1', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.9', 'documentation'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.254', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  // IPv4 public, and neighbours of the ranges above
  ['8.8.8.8', undefined],
  ['1.1.1.1', undefined],
  ['9.255.255.255', undefined],
  ['11.0.0.0', undefined],
  ['100.63.255.255', undefined],
  ['100.128.0.0', undefined],
  ['126.255.255.255', undefined],
  ['128.0.0.0', undefined],
  ['172.15.255.255', undefined],
  ['172.32.0.0', undefined],
  ['192.167.255.255', undefined],
  ['192.169.0.0', undefined],
  ['198.17.255.255', undefined],
  ['198.20.0.0', undefined],
  ['223.255.255.255', undefined],
  // IPv6 special-purpose ranges
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['fe80::1', 'link-local'],
  ['fe80::1%lo', 'link-local'],
  ['febf:ffff::1', 'link-local'],
  ['fd00:ec2::254', 'unique-local'],
  ['fc00::1', 'unique-local'],
  ['fec0::1', 'site-local'],
  ['ff02::1', 'multicast'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['100::1', 'reserved'],
  ['2001:2::1', 'benchmarking'],
  ['2001:10::1', 'reserved'],
  ['64:ff9b:1::a00:5', 'nat64-local'],
  ['4000::1', 'reserved'],
  ['::2:0:0:1', 'reserved'],
  // IPv4 embedded in IPv6
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:169.254.169.254', 'link-local'],
  ['::ffff:a00:5', 'private'],
  ['::127.0.0.1', 'loopback'],
  ['::7f00:1', 'loopback'],
  ['::ffff:0:127.0.0.1', 'loopback'],
  ['64:ff9b::127.0.0.1', 'loopback'],
  ['64:ff9b::a9fe:a9fe', 'link-local'],
  ['64:ff9b::808:808', undefined],
  ['2002:7f00:1::1', 'loopback'],
  ['2002:a9fe:a9fe::', 'link-local'],
  ['2002:808:808::1', undefined],
  ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'],
  ['2001:0:a00:5::f7f7:f7f7', 'private'],
  ['2001:0:808:808::f7f7:f7f7', undefined],
  ['::ffff:8.8.8.8', undefined],
  // IPv6 public
  ['2606:4700:4700::1111', undefined],
  ['2001:4860:4860::8888', undefined],
  ['2a00:1450::1', undefined],
  // not addresses at all: fail closed
  ['', 'invalid'],
  ['localhost', 'invalid'],
  ['127.1', 'invalid'],
  ['2130706433', 'invalid'],
  ['0x7f.0.0.1', 'invalid'],
  ['::ffff:127.0.0.1.', 'invalid'],
  ['1.2.3.4.5', 'invalid'],
];

describe('classifyAddress', () => {
  it('has a table of at least 60 literal forms', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(60);
  });

  it.each(TABLE)('classifies %s as %s', (address, category) => {
    expect(classifyAddress(address)).toBe(category);
  });

  it.each(TABLE)(
    'isForbiddenAddress(%s) agrees with the table without allow entries',
    (address, category) => {
      expect(isForbiddenAddress(address, EMPTY_ALLOW_LIST)).toBe(category !== undefined);
    },
  );
});
