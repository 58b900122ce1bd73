import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPathArguments, isInsideRoots, resolveLeniently } from './confine-paths.js';

let base: string;
let root: string;

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'warden-confine-')));
  root = join(base, 'root');
  mkdirSync(join(root, 'dir'), { recursive: true });
  mkdirSync(join(base, 'out', 'deep'), { recursive: true });
  symlinkSync(join(base, 'out', 'deep'), join(root, 'link'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('confinement of path arguments', () => {
  it('follows a symlink before applying .. (as the kernel does)', async () => {
    expect(await resolveLeniently('link/..', root)).toBe(join(base, 'out'));
    expect(await resolveLeniently('link/../missing/x', root)).toBe(join(base, 'out', 'missing', 'x'));
    expect(await resolveLeniently('dir/new/file', root)).toBe(join(root, 'dir', 'new', 'file'));
  });

  it('compares whole path segments', () => {
    expect(isInsideRoots(`${root}2/x`, [root])).toBe(false);
    expect(isInsideRoots(root, [root])).toBe(true);
    expect(isInsideRoots('/anything', ['/'])).toBe(true);
  });

  it.each([['link'], ['link/..'], ['/etc'], ['../out'], ['x=/etc'], ['--file=../out']])(
    'refuses %s',
    async (arg) => {
      await expect(checkPathArguments([arg], root, [root])).rejects.toMatchObject({
        code: 'SHELL_PATH_DENIED',
      });
    },
  );

  it.each([['dir'], ['dir/../dir/new.txt'], ['pattern'], ['-'], ['']])('accepts %j', async (arg) => {
    await expect(checkPathArguments([arg], root, [root])).resolves.toBeUndefined();
  });
});
