import { describe, expect, it } from 'vitest';
import { assertSafeRegex } from './regex-safety.js';

describe('assertSafeRegex', () => {
  it('accepts ordinary patterns', () => {
    for (const ok of [
      '^/workspace/',
      '^[a-z0-9_-]+$',
      '\\.txt$',
      '^(foo|bar)$',
      '^https://([a-z]+\\.)?example\\.com/',
      '(ab)+',
      '[(|)*]+',
      '^a{2,5}$',
    ]) {
      expect(() => assertSafeRegex(ok), ok).not.toThrow();
    }
  });

  it('refuses nested and alternating unbounded repetition, backreferences and huge sources', () => {
    for (const bad of [
      '(a+)+$',
      '(a*)*',
      '(a|aa)*',
      '(a|a)+b',
      '((ab)*)+',
      '(\\w+\\s?)*$',
      '(?:x+y?)+',
      '(a{1,3})+',
      '(a+){2,}',
      '(.*a){1,}',
      '(a)\\1',
      '(?<n>a)\\k<n>',
      'a'.repeat(600),
    ]) {
      expect(() => assertSafeRegex(bad), bad).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
  });
});
