import {
  existsSync,
  lstatSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from './test-fixture.js';

const PNG_BYTES = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

describe('fs benign corpus', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await createFixture();
  });
  afterEach(() => f.cleanup());

  it('reads a text file whole', async () => {
    expect(await f.call('fs_read', { path: 'hello.txt' })).toEqual({
      ok: true,
      result: {
        content: [{ type: 'text', text: 'hello world\n' }],
        structuredContent: {
          path: 'hello.txt',
          size: 12,
          offset: 0,
          length: 12,
          mimeType: 'text/plain',
          encoding: 'utf8',
        },
      },
    });
  });

  it('reads a byte range', async () => {
    const outcome = await f.call('fs_read', { path: 'hello.txt', offset: 6, length: 5 });
    expect(outcome).toMatchObject({ ok: true, result: { content: [{ type: 'text', text: 'world' }] } });
  });

  it('reads past the end as empty text', async () => {
    const outcome = await f.call('fs_read', { path: 'hello.txt', offset: 100 });
    expect(outcome).toMatchObject({ ok: true, result: { content: [{ type: 'text', text: '' }] } });
  });

  it('reads by absolute path inside the root and through an inside link', async () => {
    const absolute = await f.call('fs_read', { path: path.join(f.root, 'sub', 'nested.txt') });
    expect(absolute).toMatchObject({
      ok: true,
      result: { content: [{ type: 'text', text: 'nested line one\nsecond line\n' }] },
    });
    const viaLink = await f.call('fs_read', { path: 'link-in' });
    expect(viaLink).toMatchObject({
      ok: true,
      result: {
        content: [{ type: 'text', text: 'hello world\n' }],
        structuredContent: { path: 'hello.txt' },
      },
    });
    const viaDirLink = await f.call('fs_read', { path: 'link-in-dir/nested.txt' });
    expect(viaDirLink).toMatchObject({ ok: true, result: { structuredContent: { path: 'sub/nested.txt' } } });
  });

  it('writes a new file and reads it back', async () => {
    const outcome = await f.call('fs_write', { path: 'notes/new.txt', content: 'fresh', createDirs: true });
    expect(outcome).toEqual({
      ok: true,
      result: {
        content: [{ type: 'text', text: 'wrote 5 bytes to notes/new.txt' }],
        structuredContent: { path: 'notes/new.txt', bytes: 5, created: true },
      },
    });
    expect(readFileSync(path.join(f.root, 'notes', 'new.txt'), 'utf8')).toBe('fresh');
  });

  it('creates deeply nested directories only when asked', async () => {
    expect(await f.call('fs_write', { path: 'a/b/c/d.txt', content: 'x' })).toMatchObject({
      ok: false,
      code: 'FS_NOT_FOUND',
    });
    expect(existsSync(path.join(f.root, 'a'))).toBe(false);
    expect(await f.call('fs_write', { path: 'a/b/c/d.txt', content: 'x', createDirs: true })).toMatchObject({
      ok: true,
    });
    expect(readFileSync(path.join(f.root, 'a', 'b', 'c', 'd.txt'), 'utf8')).toBe('x');
  });

  it('overwrites atomically, keeps the mode, and leaves no temporary file', async () => {
    chmodSync(path.join(f.root, 'hello.txt'), 0o600);
    expect(await f.call('fs_write', { path: 'hello.txt', content: 'replaced' })).toMatchObject({
      ok: true,
      result: { structuredContent: { created: false } },
    });
    expect(readFileSync(path.join(f.root, 'hello.txt'), 'utf8')).toBe('replaced');
    expect(statSync(path.join(f.root, 'hello.txt')).mode & 0o777).toBe(0o600);
    const list = await f.call('fs_list', { path: '.' });
    expect(JSON.stringify(list)).not.toContain('.warden-');
  });

  it('refuses to overwrite when overwrite is false', async () => {
    expect(await f.call('fs_write', { path: 'hello.txt', content: 'no', overwrite: false })).toEqual({
      ok: false,
      code: 'FS_EXISTS',
      message: 'destination exists: hello.txt',
    });
    expect(
      await f.call('fs_write', { path: 'brand-new.txt', content: 'yes', overwrite: false }),
    ).toMatchObject({ ok: true });
    expect(readFileSync(path.join(f.root, 'brand-new.txt'), 'utf8')).toBe('yes');
  });

  it('replaces an inside link on write with the target file, leaving the link', async () => {
    expect(await f.call('fs_write', { path: 'link-in', content: 'through' })).toMatchObject({
      ok: true,
      result: { structuredContent: { path: 'hello.txt' } },
    });
    expect(lstatSync(path.join(f.root, 'link-in')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(f.root, 'hello.txt'), 'utf8')).toBe('through');
  });

  it('handles unicode names', async () => {
    const name = 'données/日本語 ファイル 🎉.txt';
    expect(await f.call('fs_write', { path: name, content: 'ünïcødé', createDirs: true })).toMatchObject({
      ok: true,
    });
    expect(await f.call('fs_read', { path: name })).toMatchObject({
      ok: true,
      result: { content: [{ type: 'text', text: 'ünïcødé' }] },
    });
    const listing = await f.call('fs_list', { path: 'données' });
    expect(listing).toMatchObject({
      ok: true,
      result: { structuredContent: { entries: [{ path: name, type: 'file', size: 11 }] } },
    });
  });

  it('treats ~ as an ordinary name', async () => {
    expect(
      await f.call('fs_write', { path: '~/note.txt', content: 'tilde', createDirs: true }),
    ).toMatchObject({ ok: true });
    expect(readFileSync(path.join(f.root, '~', 'note.txt'), 'utf8')).toBe('tilde');
  });

  it('returns images as image content and other binaries as resource blobs', async () => {
    expect(
      await f.call('fs_write', {
        path: 'img/pixel.png',
        content: PNG_BYTES.toString('base64'),
        encoding: 'base64',
        createDirs: true,
      }),
    ).toMatchObject({ ok: true });
    expect(readFileSync(path.join(f.root, 'img', 'pixel.png')).equals(PNG_BYTES)).toBe(true);
    const image = await f.call('fs_read', { path: 'img/pixel.png' });
    expect(image).toMatchObject({
      ok: true,
      result: { content: [{ type: 'image', data: PNG_BYTES.toString('base64'), mimeType: 'image/png' }] },
    });
    writeFileSync(path.join(f.root, 'blob.bin'), Buffer.from([0, 1, 2, 255]));
    const blob = await f.call('fs_read', { path: 'blob.bin' });
    expect(blob).toEqual({
      ok: true,
      result: {
        content: [
          {
            type: 'resource',
            resource: {
              uri: 'warden-fs://root0/blob.bin',
              mimeType: 'application/octet-stream',
              blob: 'AAEC/w==',
            },
          },
        ],
        structuredContent: {
          path: 'blob.bin',
          size: 4,
          offset: 0,
          length: 4,
          mimeType: 'application/octet-stream',
          encoding: 'base64',
        },
      },
    });
    const forced = await f.call('fs_read', { path: 'hello.txt', encoding: 'base64' });
    expect(forced).toMatchObject({
      ok: true,
      result: {
        content: [{ type: 'resource', resource: { blob: Buffer.from('hello world\n').toString('base64') } }],
      },
    });
  });

  it('lists a directory without denied entries, reporting links as links', async () => {
    const outcome = await f.call('fs_list', { path: '.' });
    expect(outcome).toMatchObject({ ok: true });
    if (!outcome.ok) return;
    const entries = outcome.result.structuredContent?.entries;
    expect(entries).toEqual([
      { path: 'chain1', type: 'symlink' },
      { path: 'chain2', type: 'symlink' },
      { path: 'dangling', type: 'symlink' },
      { path: 'dangling-dir', type: 'symlink' },
      { path: 'fifo', type: 'other' },
      { path: 'hard-secret', type: 'file', size: 23 },
      { path: 'hello.txt', type: 'file', size: 12 },
      { path: 'keys', type: 'directory' },
      { path: 'link-in', type: 'symlink' },
      { path: 'link-in-dir', type: 'symlink' },
      { path: 'link-out-dir', type: 'symlink' },
      { path: 'link-out-file', type: 'symlink' },
      { path: 'link-parent', type: 'symlink' },
      { path: 'link-proc', type: 'symlink' },
      { path: 'link-rel-out', type: 'symlink' },
      { path: 'link-sibling', type: 'symlink' },
      { path: 'link-to-env', type: 'symlink' },
      { path: 'sub', type: 'directory' },
    ]);
  });

  it('lists recursively without descending through links or into denied directories', async () => {
    const outcome = await f.call('fs_list', { path: '.', recursive: true });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const paths = (outcome.result.structuredContent?.entries as { path: string }[]).map((e) => e.path);
    expect(paths).toContain('sub/nested.txt');
    expect(paths).not.toContain('sub/.ssh');
    expect(
      paths.some(
        (p) =>
          p.startsWith('link-in-dir/') ||
          p.startsWith('link-out-dir/') ||
          p.includes('id_rsa') ||
          p.includes('.pem'),
      ),
    ).toBe(false);
    expect(paths).not.toContain('.env');
  });

  it('truncates a listing at maxEntries', async () => {
    const outcome = await f.call('fs_list', { path: '.', maxEntries: 2 });
    expect(outcome).toMatchObject({
      ok: true,
      result: { structuredContent: { truncated: true, entries: [{ path: 'chain1' }, { path: 'chain2' }] } },
    });
  });

  it('stats files and directories', async () => {
    const file = await f.call('fs_stat', { path: 'hello.txt' });
    expect(file).toMatchObject({
      ok: true,
      result: { structuredContent: { path: 'hello.txt', type: 'file', size: 12, nlink: 1 } },
    });
    const root = await f.call('fs_stat', { path: '.' });
    expect(root).toMatchObject({ ok: true, result: { structuredContent: { path: '.', type: 'directory' } } });
  });

  it('moves files and directories, refusing to clobber unless asked', async () => {
    expect(await f.call('fs_move', { from: 'hello.txt', to: 'renamed.txt' })).toEqual({
      ok: true,
      result: {
        content: [{ type: 'text', text: 'moved hello.txt to renamed.txt' }],
        structuredContent: { from: 'hello.txt', to: 'renamed.txt' },
      },
    });
    writeFileSync(path.join(f.root, 'other.txt'), 'other');
    expect(await f.call('fs_move', { from: 'renamed.txt', to: 'other.txt' })).toMatchObject({
      ok: false,
      code: 'FS_EXISTS',
    });
    expect(await f.call('fs_move', { from: 'renamed.txt', to: 'other.txt', overwrite: true })).toMatchObject({
      ok: true,
    });
    expect(readFileSync(path.join(f.root, 'other.txt'), 'utf8')).toBe('hello world\n');
    await f.call('fs_write', { path: 'dir1/x.txt', content: 'x', createDirs: true });
    expect(await f.call('fs_move', { from: 'dir1', to: 'keys/dir2' })).toMatchObject({ ok: true });
    expect(readFileSync(path.join(f.root, 'keys', 'dir2', 'x.txt'), 'utf8')).toBe('x');
    expect(await f.call('fs_move', { from: 'keys/dir2', to: 'keys/dir2/inner' })).toMatchObject({
      ok: false,
      code: 'FS_BAD_PATH',
    });
  });

  it('deletes files, links (not their targets), empty and non-empty directories', async () => {
    expect(await f.call('fs_delete', { path: 'link-in' })).toEqual({
      ok: true,
      result: {
        content: [{ type: 'text', text: 'deleted symlink link-in' }],
        structuredContent: { path: 'link-in', type: 'symlink' },
      },
    });
    expect(existsSync(path.join(f.root, 'hello.txt'))).toBe(true);
    expect(await f.call('fs_delete', { path: 'hello.txt' })).toMatchObject({
      ok: true,
      result: { structuredContent: { type: 'file' } },
    });
    await f.call('fs_write', { path: 'tree/a/b.txt', content: 'b', createDirs: true });
    symlinkSync(path.join(f.base, 'outside'), path.join(f.root, 'tree', 'a', 'out-link'));
    expect(await f.call('fs_delete', { path: 'tree' })).toMatchObject({ ok: false, code: 'FS_NOT_EMPTY' });
    expect(await f.call('fs_delete', { path: 'tree', recursive: true })).toMatchObject({
      ok: true,
      result: { structuredContent: { type: 'directory' } },
    });
    expect(existsSync(path.join(f.root, 'tree'))).toBe(false);
    expect(readFileSync(path.join(f.base, 'outside', 'inner-secret.txt'), 'utf8')).toContain('SECRET');
    expect(readlinkSync(path.join(f.root, 'link-out-dir'))).toBe(path.join(f.base, 'outside'));
  });

  it('searches names by glob and lines by regex, skipping denied and hard-linked files', async () => {
    const names = await f.call('fs_search', { path: '.', pattern: '*.txt' });
    expect(names).toMatchObject({
      ok: true,
      result: {
        structuredContent: {
          path: '.',
          truncated: false,
          results: [
            { path: 'hello.txt', type: 'file' },
            { path: 'sub/nested.txt', type: 'file' },
          ],
        },
      },
    });
    const lines = await f.call('fs_search', { path: '.', pattern: '**', contentRegex: 'line|SECRET' });
    expect(lines).toEqual({
      ok: true,
      result: {
        content: [{ type: 'text', text: 'sub/nested.txt:1: nested line one\nsub/nested.txt:2: second line' }],
        structuredContent: {
          path: '.',
          truncated: false,
          results: [
            { path: 'sub/nested.txt', type: 'file', line: 1, text: 'nested line one' },
            { path: 'sub/nested.txt', type: 'file', line: 2, text: 'second line' },
          ],
        },
      },
    });
    const capped = await f.call('fs_search', { path: '.', pattern: '*.txt', maxResults: 1 });
    expect(capped).toMatchObject({
      ok: true,
      result: { structuredContent: { truncated: true, results: [{ path: 'hello.txt' }] } },
    });
    const alone = await f.call('fs_search', { path: 'sub', pattern: '*', maxResults: 1 });
    expect(alone).toMatchObject({
      ok: true,
      result: { structuredContent: { truncated: false, results: [{ path: 'sub/nested.txt' }] } },
    });
  });

  it('offers seven tools with schemas and annotations', () => {
    const defs = f.family.tools.map((t) => t.definition);
    expect(defs.map((d) => d.name)).toEqual([
      'fs_read',
      'fs_write',
      'fs_list',
      'fs_stat',
      'fs_move',
      'fs_delete',
      'fs_search',
    ]);
    for (const def of defs) {
      expect(def.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
      expect(typeof def.description).toBe('string');
      expect(typeof def.annotations?.readOnlyHint).toBe('boolean');
    }
    expect(defs.find((d) => d.name === 'fs_move')?.inputSchema).toMatchObject({ required: ['from', 'to'] });
    expect(defs.find((d) => d.name === 'fs_delete')?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
    });
  });
});
