import { describe, expect, it } from 'vitest';
import { WardenError } from '../errors/index.js';
import { isForbiddenAddress } from './address-policy.js';
import { allowEntryProblem, canonicalHost, isAllowed, parseAllowList } from './allow-list.js';

describe('parseAllowList', () => {
  it('parses hosts, host:port, bracketed IPv6 and CIDR blocks into canonical forms', () => {
    const list = parseAllowList([
      'LocalHost',
      'api.internal:8443',
      '[::1]:8080',
      '::1',
      '0x7f.1:81',
      '10.0.0.0/8',
      'fd00::/8',
    ]);
    expect(list.hosts).toEqual([
      { host: 'localhost', port: undefined },
      { host: 'api.internal', port: 8443 },
      { host: '::1', port: 8080 },
      { host: '::1', port: undefined },
      { host: '127.0.0.1', port: 81 },
    ]);
    expect(list.cidrs.map((c) => [c.family, c.prefix])).toEqual([
      [4, 8],
      [6, 8],
    ]);
  });

  it.each([
    '',
    'a b',
    'host:0',
    'host:65536',
    'host:x',
    'http://host',
    'user@host',
    '10.0.0.0/40',
    '[::1',
    'a:1:2',
    'host/path',
  ])('refuses %j with CONFIG_INVALID', (entry) => {
    let caught: unknown;
    try {
      parseAllowList([entry]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WardenError);
    expect((caught as WardenError).code).toBe('CONFIG_INVALID');
  });
});

describe('parseAllowList with names: false', () => {
  it('accepts addresses, address:port and CIDR blocks in every notation', () => {
    const list = parseAllowList(['10.0.0.5', '127.0.0.1:8080', '[::1]:8080', '0x7f.1', 'fd00::/8'], {
      names: false,
    });
    expect(list.hosts).toEqual([
      { host: '10.0.0.5', port: undefined },
      { host: '127.0.0.1', port: 8080 },
      { host: '::1', port: 8080 },
      { host: '127.0.0.1', port: undefined },
    ]);
    expect(list.cidrs).toHaveLength(1);
  });

  it.each(['localhost', 'svc.internal', 'svc.internal:8080'])(
    'refuses the name %j, naming the setting',
    (entry) => {
      expect(() => parseAllowList([entry], { names: false, setting: 'upstreams.x.allow' })).toThrow(
        expect.objectContaining({
          code: 'CONFIG_INVALID',
          message: `upstreams.x.allow: ${entry} is a name, not an address: list the addresses or a CIDR block`,
        }),
      );
      expect(allowEntryProblem(entry)).toBeUndefined();
    },
  );
});

describe('isAllowed and isForbiddenAddress with exceptions', () => {
  const list = parseAllowList(['127.0.0.1:8080', 'svc.internal', '10.1.0.0/16']);

  it('allows an address:port entry only on that port', () => {
    expect(isForbiddenAddress('127.0.0.1', list, { port: 8080 })).toBe(false);
    expect(isForbiddenAddress('127.0.0.1', list, { port: 80 })).toBe(true);
    expect(isForbiddenAddress('127.0.0.1', list)).toBe(true);
  });

  it('matches IPv4-mapped forms of an allowed IPv4 address', () => {
    expect(isAllowed('::ffff:127.0.0.1', list, { port: 8080 })).toBe(true);
  });

  it('allows any address of a named host, and only for that name', () => {
    expect(isForbiddenAddress('192.168.1.10', list, { host: 'SVC.internal.', port: 1 })).toBe(false);
    expect(isForbiddenAddress('192.168.1.10', list, { host: 'other.internal', port: 1 })).toBe(true);
  });

  it('allows CIDR members on any port and nothing next to them', () => {
    expect(isForbiddenAddress('10.1.255.1', list, { port: 22 })).toBe(false);
    expect(isForbiddenAddress('10.2.0.1', list, { port: 22 })).toBe(true);
  });

  it('keeps unparseable addresses forbidden even with a matching host entry', () => {
    expect(isForbiddenAddress('not-an-ip', list, { host: 'svc.internal' })).toBe(true);
  });
});

describe('canonicalHost', () => {
  it.each([
    ['EXAMPLE.com.', 'example.com'],
    ['２１３０７０６４３３', '127.0.0.1'],
    ['[::ffff:7f00:1]', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['bad host', undefined],
  ])('%s → %s', (input, expected) => {
    expect(canonicalHost(input)).toBe(expected);
  });
});
