import { describe, expect, it } from 'vitest';
import { checkOscAddress, compileAddressAllowlist } from './osc-address.js';

describe('checkOscAddress', () => {
  it('accepts literal addresses', () => {
    for (const address of ['/live/song/set/tempo', '/a', '/track/1/volume', '/x_y-z.w/~!"$%&()+:;<=>@^`|']) {
      expect(() => checkOscAddress(address)).not.toThrow();
    }
  });

  it('refuses pattern characters, spaces, controls, empty parts and non-ASCII with OSC_ADDRESS_DENIED', () => {
    const bad = [
      '',
      '/',
      'live/x',
      '/a b',
      '/a#',
      '/a*',
      '/a,b',
      '/a?',
      '/a[1]',
      '/a]',
      '/a{b}',
      '/a}',
      '//a',
      '/a/',
    ];
    for (const address of [...bad, '/a\u0000b', '/a\nb', '/é', `/${'a'.repeat(1024)}`]) {
      expect(() => checkOscAddress(address), address).toThrow(
        expect.objectContaining({ code: 'OSC_ADDRESS_DENIED' }),
      );
    }
  });
});

describe('compileAddressAllowlist', () => {
  it('lets ** span several parts and * exactly one', () => {
    const allowed = compileAddressAllowlist(['/live/**', '/mixer/*/gain']);
    expect(allowed('/live/song/set/tempo')).toBe(true);
    expect(allowed('/live/x')).toBe(true);
    expect(allowed('/mixer/3/gain')).toBe(true);
    expect(allowed('/mixer/3/4/gain')).toBe(false);
    expect(allowed('/lively/x')).toBe(false);
    expect(allowed('/livex')).toBe(false);
    expect(allowed('/other')).toBe(false);
  });

  it('allows nothing when the list is empty', () => {
    expect(compileAddressAllowlist([])('/live/x')).toBe(false);
  });

  it('refuses a pattern that does not start with / with CONFIG_INVALID', () => {
    expect(() => compileAddressAllowlist(['live/**'])).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});
