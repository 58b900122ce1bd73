import {
  constants,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fsConfigSchema } from '../../config/builtins.js';
import { openChildDir, openChildFile, openDir } from './anchor.js';
import { createFsContext, type FsContext } from './context.js';

const SECRET = 'anchor-secret';

describe.each([
  ['anchored by /proc/self/fd', true],
  ['fallback by realpath and inode', false],
])('descriptor verification (%s)', (_label, anchored) => {
  let base: string;
  let root: string;
  let ctx: FsContext;

  beforeEach(async () => {
    base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'warden-fs-anchor-')));
    root = path.join(base, 'root');
    mkdirSync(path.join(root, 'dir', 'sub'), { recursive: true });
    writeFileSync(path.join(root, 'dir', 'file.txt'), 'inside');
    mkdirSync(path.join(base, 'outside', 'sub'), { recursive: true });
    writeFileSync(path.join(base, 'outside', 'file.txt'), SECRET);
    ctx = { ...(await createFsContext(fsConfigSchema.parse({ roots: ['root'] }), base)), anchored };
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  function swapDirForLink(): void {
    renameSync(path.join(root, 'dir'), path.join(root, 'dir.moved'));
    symlinkSync(path.join(base, 'outside'), path.join(root, 'dir'));
  }

  it('refuses to open a directory that became a symbolic link after the check', async () => {
    swapDirForLink();
    await expect(openDir(ctx, path.join(root, 'dir'), 'dir')).rejects.toMatchObject({
      code: expect.stringMatching(/^FS_(SYMLINK|NOT_A_DIRECTORY)$/),
    });
  });

  it('refuses a directory reached through a parent swapped for a link after the check', async () => {
    swapDirForLink();
    await expect(openDir(ctx, path.join(root, 'dir', 'sub'), 'dir/sub')).rejects.toMatchObject({
      code: 'FS_CHANGED',
    });
  });

  it('refuses a file whose parent was swapped after the parent was opened', async () => {
    const dir = await openDir(ctx, path.join(root, 'dir'), 'dir');
    try {
      swapDirForLink();
      // Anchored: the descriptor still names the moved directory, whose path no longer matches. Fallback: the
      // path now leads outside, which the realpath re-check sees.
      await expect(
        openChildFile(ctx, dir, 'file.txt', constants.O_RDONLY, 'dir/file.txt'),
      ).rejects.toMatchObject({
        code: 'FS_CHANGED',
      });
    } finally {
      await dir.handle.close();
    }
  });

  it('refuses a child directory swapped for a link after its parent was opened', async () => {
    const dir = await openDir(ctx, path.join(root, 'dir'), 'dir');
    try {
      renameSync(path.join(root, 'dir', 'sub'), path.join(root, 'dir', 'sub.moved'));
      symlinkSync(path.join(base, 'outside', 'sub'), path.join(root, 'dir', 'sub'));
      await expect(openChildDir(ctx, dir, 'sub', 'dir/sub')).rejects.toMatchObject({
        code: expect.stringMatching(/^FS_(SYMLINK|NOT_A_DIRECTORY)$/),
      });
    } finally {
      await dir.handle.close();
    }
  });

  it('opens an unchanged file and reads the inside content', async () => {
    const dir = await openDir(ctx, path.join(root, 'dir'), 'dir');
    try {
      const file = await openChildFile(ctx, dir, 'file.txt', constants.O_RDONLY, 'dir/file.txt');
      expect(await file.readFile('utf8')).toBe('inside');
      await file.close();
    } finally {
      await dir.handle.close();
    }
  });
});
