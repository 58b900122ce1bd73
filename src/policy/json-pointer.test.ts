import { describe, expect, it } from 'vitest';
import { parseJsonPointer, resolveJsonPointer } from './json-pointer.js';

describe('JSON pointers', () => {
  const doc = { a: { 'b/c': [10, { '~x': 'y' }] }, '': 'empty' };

  it('resolves RFC 6901 pointers with escapes', () => {
    expect(resolveJsonPointer(doc, parseJsonPointer(''))).toBe(doc);
    expect(resolveJsonPointer(doc, parseJsonPointer('/a/b~1c/0'))).toBe(10);
    expect(resolveJsonPointer(doc, parseJsonPointer('/a/b~1c/1/~0x'))).toBe('y');
    expect(resolveJsonPointer(doc, parseJsonPointer('/'))).toBe('empty');
  });

  it('returns undefined for missing paths, bad indexes and inherited properties', () => {
    expect(resolveJsonPointer(doc, parseJsonPointer('/nope'))).toBeUndefined();
    expect(resolveJsonPointer(doc, parseJsonPointer('/a/b~1c/01'))).toBeUndefined();
    expect(resolveJsonPointer(doc, parseJsonPointer('/a/b~1c/-'))).toBeUndefined();
    expect(resolveJsonPointer(doc, parseJsonPointer('/a/constructor'))).toBeUndefined();
    expect(resolveJsonPointer({}, parseJsonPointer('/__proto__'))).toBeUndefined();
    expect(resolveJsonPointer('str', parseJsonPointer('/length'))).toBeUndefined();
  });

  it('refuses malformed pointers', () => {
    for (const bad of ['a', 'a/b', '/~2', '/x~'])
      expect(() => parseJsonPointer(bad), bad).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
