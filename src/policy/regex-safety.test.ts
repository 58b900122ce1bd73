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
      'foo.*bar',
      '^/srv/[^/]+/.*\\.txt$',
      '\\.(pem|key|p12)$',
      '\\bsecret\\b',
      '^(?!.*\\.\\.)',
      'AKIA[0-9A-Z]{16}',
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

  it('refuses runs of unbounded repeats and bounded repeats of choices, which backtrack for seconds on 4096 characters', () => {
    for (const bad of [
      'a*a*a*a*a*b',
      '.*.*.*.*x',
      '\\w+\\d+x',
      '^.*a.*a.*b$',
      '[a-z]*[a-z]{250}b',
      '(a|aa){1,60}b',
      '(a+){2,30}b',
      `${'(?:a|a)?'.repeat(18)}b`,
      // Without the u flag (fs_search) "\\p{0,}" is "p" repeated, and "\\p{a*}" holds "a*".
      '\\p{0,}\\p{0,}\\p{0,}x',
      '\\p{a*a*a*}x',
      '(?<n>a*)(?<m>a*)(?<o>a*)x',
    ]) {
      expect(() => assertSafeRegex(bad), bad).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
  });
});
