import { describe, expect, it } from 'vitest';
import { fsConfigSchema } from '../../config/builtins.js';
import { createDenyMatcher } from './deny.js';

const defaults = createDenyMatcher(fsConfigSchema.parse({ roots: ['.'] }).deny);

describe('createDenyMatcher', () => {
  it.each([
    ['.env', true],
    ['app/.env', true],
    ['app/.env.local', true],
    ['.ENV', true],
    ['.ssh', true],
    ['home/.ssh/id_ed25519', true],
    ['certs/site.pem', true],
    ['certs/site.PEM', true],
    ['id_rsa.pub', true],
    ['repo/.git/config', true],
    ['', false],
    ['README.md', false],
    ['env.txt', false],
    ['src/.envrc-notes/x.txt', false],
    ['repo/.git/HEAD', false],
  ])('default deny of %s is %s', (rel, expected) => {
    expect(defaults(rel)).toBe(expected);
  });

  // A glob's `**` compiles to `.`, which skips line terminators unless the regex has the `s` flag.
  it.each([
    ['a\nb/.env', 'newline'],
    ['a\rb/.ssh/id_ed25519', 'carriage return'],
    ['a\u2028b/certs/site.pem', 'line separator'],
    ['a\u2029b/repo/.git/config', 'paragraph separator'],
    ['x/\n/id_rsa', 'a name that is only a newline'],
  ])('denies %j beneath a directory whose name holds a %s', (rel) => {
    expect(defaults(rel)).toBe(true);
  });

  it('still allows ordinary names that hold a line terminator', () => {
    expect(defaults('a\nb/notes.txt')).toBe(false);
  });

  it('denies everything beneath a denied directory', () => {
    const isDenied = createDenyMatcher(['secrets']);
    expect(isDenied('secrets')).toBe(true);
    expect(isDenied('secrets/a/b.txt')).toBe(true);
    expect(isDenied('secretsx/a.txt')).toBe(false);
  });

  it('denies nothing without patterns', () => {
    expect(createDenyMatcher([])('.env')).toBe(false);
  });
});
