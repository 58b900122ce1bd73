import { describe, expect, it } from 'vitest';
import { defineOptions } from './option-table.js';
import { parseOptions } from './parse-options.js';

const table = defineOptions('ab:c::n', 'all block-size: color:: compress-program: check');

describe('parseOptions', () => {
  it('reads glued clusters, glued and separate values, optional values and operands in any order', () => {
    expect(parseOptions(['-anbX', 'file', '-b', 'Y', '-cZ', '-c'], { table, deny: [] })).toEqual([
      { kind: 'option', name: '-a', glued: true },
      { kind: 'option', name: '-n', glued: true },
      { kind: 'option', name: '-b', value: 'X', glued: true },
      { kind: 'positional', value: 'file', afterDashDash: false },
      { kind: 'option', name: '-b', value: 'Y', glued: false },
      { kind: 'option', name: '-c', value: 'Z', glued: true },
      { kind: 'option', name: '-c', glued: true },
    ]);
  });

  it('expands unambiguous long abbreviations and takes --opt=value and --opt value', () => {
    expect(parseOptions(['--al', '--block', '4', '--col=auto', '--comp=gzip'], { table, deny: [] })).toEqual([
      { kind: 'option', name: '--all', glued: false },
      { kind: 'option', name: '--block-size', value: '4', glued: false },
      { kind: 'option', name: '--color', value: 'auto', glued: true },
      { kind: 'option', name: '--compress-program', value: 'gzip', glued: true },
    ]);
  });

  it('treats everything after -- and a lone - as operands', () => {
    expect(parseOptions(['-', '--', '-a', '--all'], { table, deny: [] })).toEqual([
      { kind: 'positional', value: '-', afterDashDash: false },
      { kind: 'end-of-options' },
      { kind: 'positional', value: '-a', afterDashDash: true },
      { kind: 'positional', value: '--all', afterDashDash: true },
    ]);
  });

  it.each([
    ['an ambiguous abbreviation', ['--c']],
    ['an unknown long option', ['--nope']],
    ['an unknown short option', ['-az']],
    ['a value on a flag', ['--all=1']],
    ['a missing value', ['-b']],
    ['a denied option', ['--compress-program=sh']],
    ['a denied option abbreviated', ['--comp=sh']],
    ['a denied short option in a cluster', ['-nab', 'x']],
  ])('refuses %s', (_name, args) => {
    expect(() => parseOptions(args, { table, deny: ['--compress-program', '-b'] })).toThrow(
      expect.objectContaining({ code: 'SHELL_ARG_DENIED' }),
    );
  });

  it('without a table refuses any prefix of a denied long option and denied letters anywhere', () => {
    const deny = ['--rsh', '-e'];
    expect(() => parseOptions(['--rs=ssh'], { deny })).toThrow(
      expect.objectContaining({ code: 'SHELL_ARG_DENIED' }),
    );
    expect(() => parseOptions(['-avze', 'x'], { deny })).toThrow(
      expect.objectContaining({ code: 'SHELL_ARG_DENIED' }),
    );
    expect(parseOptions(['--verbose', '-av'], { deny })).toHaveLength(3);
  });

  it('with an allowlist accepts only listed options, expanding abbreviations against it', () => {
    const allow = ['--verbose', '-v'];
    expect(parseOptions(['--verb', '-v'], { deny: [], allow })).toEqual([
      { kind: 'option', name: '--verbose', glued: false },
      { kind: 'option', name: '-v', glued: true },
    ]);
    expect(() => parseOptions(['-x'], { deny: [], allow })).toThrow(
      expect.objectContaining({ code: 'SHELL_ARG_DENIED' }),
    );
    expect(() => parseOptions(['--other'], { deny: [], allow })).toThrow(
      expect.objectContaining({ code: 'SHELL_ARG_DENIED' }),
    );
  });
});
