import { describe, expect, it } from 'vitest';
import { checkSedScript } from './sed-script.js';

describe('checkSedScript', () => {
  it.each([
    's/a/b/g',
    's|/usr|/opt|2p',
    '/start/,/end/d',
    '1~2{p;n}',
    '$!N;P;D',
    's/e/w/',
    'y/ew/we/',
    '/x/I{s/a/b/;p}',
    '\\%regex%p',
    'a appended text with e and w',
    ':loop\nN\nb loop',
    '# comment with e and w\np',
  ])('accepts %j', (script) => {
    expect(() => checkSedScript(script)).not.toThrow();
  });

  it.each([
    'e id',
    '1e id',
    's/a/id/e',
    's/a/b/gw out',
    'w out',
    'W out',
    'r /etc/passwd',
    'R /etc/passwd',
    '/x/{\ne id\n}',
    'p;e id',
    'y/a/b/;w out',
    's/a/b/;1!e id',
    's/a/b',
    'k',
    's/[/]/x/e',
  ])('refuses %j', (script) => {
    expect(() => checkSedScript(script)).toThrow(expect.objectContaining({ code: 'SHELL_ARG_DENIED' }));
  });
});
