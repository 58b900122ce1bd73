import { describe, expect, it } from 'vitest';
import { compileGlob, compileGlobs } from './glob.js';

describe('compileGlob', () => {
  it('matches literals exactly and case-sensitively', () => {
    const m = compileGlob('fs_read');
    expect(m('fs_read')).toBe(true);
    for (const other of [
      'FS_READ',
      'Fs_read',
      'fs_read ',
      ' fs_read',
      'fs__read',
      'fs-read',
      'fs_rea',
      'fs_readx',
      'fѕ_read',
      'fs_read\u200b',
      'fs_read\n',
      'ｆｓ_read',
    ]) {
      expect(m(other), JSON.stringify(other)).toBe(false);
    }
  });

  it('lets * match any run including / and dots, and ? exactly one code point', () => {
    expect(compileGlob('fs_*')('fs_read')).toBe(true);
    expect(compileGlob('fs_*')('fs_')).toBe(true);
    expect(compileGlob('fs_*')('fsx_read')).toBe(false);
    expect(compileGlob('*')('a/../b')).toBe(true);
    expect(compileGlob('*')('.hidden')).toBe(true);
    expect(compileGlob('*')('')).toBe(true);
    expect(compileGlob('*@example.com')('https://idp/x@example.com')).toBe(true);
    expect(compileGlob('*@example.com')('x@example.com.evil')).toBe(false);
    expect(compileGlob('a?c')('abc')).toBe(true);
    expect(compileGlob('a?c')('a😀c')).toBe(true);
    expect(compileGlob('a?c')('ac')).toBe(false);
    expect(compileGlob('a?c')('a\nc')).toBe(true);
  });

  it('treats braces, classes, extglobs and negation as literal characters', () => {
    expect(compileGlob('{a,b}')('a')).toBe(false);
    expect(compileGlob('{a,b}')('{a,b}')).toBe(true);
    expect(compileGlob('[ab]')('a')).toBe(false);
    expect(compileGlob('+(a)')('a')).toBe(false);
    expect(compileGlob('!admin')('alice')).toBe(false);
    expect(compileGlob('a.b')('axb')).toBe(false);
    expect(compileGlob('a$^(|)b')('a$^(|)b')).toBe(true);
  });

  it('escapes with backslash', () => {
    expect(compileGlob('fs\\*')('fs*')).toBe(true);
    expect(compileGlob('fs\\*')('fs_read')).toBe(false);
    expect(compileGlob('a\\?')('a?')).toBe(true);
    expect(compileGlob('a\\?')('ab')).toBe(false);
  });

  it('does not backtrack catastrophically on many stars', () => {
    const m = compileGlob('*a*a*a*a*a*a*a*a*a*b');
    const started = performance.now();
    expect(m('a'.repeat(5000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(compileGlob('a**b')('axyzb')).toBe(true);
  });

  it('a name containing * is a name, not a pattern', () => {
    expect(compileGlob('fs_read')('fs_*')).toBe(false);
    expect(compileGlob('*')('*')).toBe(true);
  });

  it('combines several patterns with any-of', () => {
    const m = compileGlobs(['fs_read', 'http_*']);
    expect(m('fs_read')).toBe(true);
    expect(m('http_fetch')).toBe(true);
    expect(m('fs_write')).toBe(false);
    expect(compileGlobs([])('x')).toBe(false);
  });
});
