import { describe, expect, it } from 'vitest';
import { displayPath, isWithin, relativeTo } from './containment.js';

describe('isWithin', () => {
  it.each([
    ['/w/project', '/w/project', true],
    ['/w/project', '/w/project/a', true],
    ['/w/project', '/w/project/a/b.txt', true],
    ['/w/project', '/w/project2', false],
    ['/w/project', '/w/project2/a', false],
    ['/w/project', '/w/project_evil', false],
    ['/w/project', '/w/projec', false],
    ['/w/project', '/w', false],
    ['/w/project/', '/w/project/a', true],
    ['/', '/etc/passwd', true],
  ])('isWithin(%s, %s) is %s', (parent, candidate, expected) => {
    expect(isWithin(parent, candidate)).toBe(expected);
  });
});

describe('relativeTo and displayPath', () => {
  it('uses / separators and shows the root as .', () => {
    expect(relativeTo('/w/p', '/w/p/a/b')).toBe('a/b');
    expect(relativeTo('/w/p', '/w/p')).toBe('');
    expect(displayPath('')).toBe('.');
    expect(displayPath('a/b')).toBe('a/b');
  });
});
