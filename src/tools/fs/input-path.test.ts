import { describe, expect, it } from 'vitest';
import { isWardenError } from '../../errors/index.js';
import { parseInputPath } from './input-path.js';

function codeOf(value: unknown): string | undefined {
  try {
    parseInputPath(value);
    return undefined;
  } catch (error) {
    return isWardenError(error) ? error.code : 'not a WardenError';
  }
}

describe('parseInputPath', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
    ['number', 1],
    ['boolean', true],
    ['array', ['a']],
    ['object', { path: 'a' }],
    ['empty', ''],
    ['NUL', 'a\0b'],
    ['lone high surrogate', '\uD800'],
    ['lone low surrogate', 'a\uDC00'],
    ['too long', 'x'.repeat(4097)],
  ])('refuses %s with FS_BAD_PATH', (_name, value) => {
    expect(codeOf(value)).toBe('FS_BAD_PATH');
  });

  it.each(['a.txt', '~', '~/x', '../x', '/abs', 'ファイル', '😀.txt', 'x'.repeat(4096)])(
    'accepts %s as a string',
    (value) => {
      expect(parseInputPath(value)).toBe(value);
    },
  );
});
