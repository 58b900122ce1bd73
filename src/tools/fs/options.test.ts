import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fsConfigSchema } from '../../config/builtins.js';
import type { ToolFamily } from '../types.js';
import { createFsContext } from './context.js';
import { createFsTools } from './create-fs-tools.js';
import { createListTool } from './tool-list.js';
import { createReadTool } from './tool-read.js';
import { createWriteTool } from './tool-write.js';
import { callTool, createFixture, SECRET, type Fixture } from './test-fixture.js';

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup) fn();
  cleanup = [];
});

function tempBase(): string {
  const base = mkdtempSync(path.join(os.tmpdir(), 'warden-fs-opt-'));
  cleanup.push(() => rmSync(base, { recursive: true, force: true }));
  return base;
}

async function fixture(overrides: Parameters<typeof createFixture>[0] = {}): Promise<Fixture> {
  const f = await createFixture(overrides);
  cleanup.push(() => f.cleanup());
  return f;
}

describe('createFsTools start-up', () => {
  it('rejects a missing root with CONFIG_INVALID', async () => {
    const base = tempBase();
    await expect(
      createFsTools(fsConfigSchema.parse({ roots: ['nope'] }), { baseDir: base }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'builtins.fs.roots[0] does not exist',
    });
  });

  it('rejects a root that is a file with CONFIG_INVALID', async () => {
    const base = tempBase();
    writeFileSync(path.join(base, 'file'), 'x');
    await expect(
      createFsTools(fsConfigSchema.parse({ roots: ['file'] }), { baseDir: base }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'builtins.fs.roots[0] is not a directory',
    });
  });

  it('resolves a root that is a symbolic link and accepts absolute paths through its configured alias', async () => {
    const base = tempBase();
    mkdirSync(path.join(base, 'real'));
    writeFileSync(path.join(base, 'real', 'a.txt'), 'via alias');
    writeFileSync(path.join(base, 'secret.txt'), SECRET);
    symlinkSync(path.join(base, 'real'), path.join(base, 'alias'));
    const family = await createFsTools(fsConfigSchema.parse({ roots: ['alias'] }), { baseDir: base });
    expect(await callTool(family, 'fs_read', { path: path.join(base, 'alias', 'a.txt') })).toMatchObject({
      ok: true,
      result: { content: [{ type: 'text', text: 'via alias' }], structuredContent: { path: 'a.txt' } },
    });
    expect(await callTool(family, 'fs_read', { path: path.join(base, 'real', 'a.txt') })).toMatchObject({
      ok: true,
    });
    expect(
      await callTool(family, 'fs_read', { path: `${path.join(base, 'alias')}/../secret.txt` }),
    ).toMatchObject({ ok: false, code: 'FS_OUTSIDE_ROOT' });
  });
});

describe('several roots', () => {
  async function twoRoots(deny: string[] = []): Promise<{ base: string; family: ToolFamily }> {
    const base = tempBase();
    mkdirSync(path.join(base, 'one'));
    mkdirSync(path.join(base, 'one', 'inner', 'secret'), { recursive: true });
    mkdirSync(path.join(base, 'two'));
    writeFileSync(path.join(base, 'one', 'a.txt'), 'one');
    writeFileSync(path.join(base, 'two', 'b.txt'), 'two');
    writeFileSync(path.join(base, 'one', 'inner', 'secret', 'x.txt'), SECRET);
    const family = await createFsTools(fsConfigSchema.parse({ roots: ['one', 'two', 'one/inner'], deny }), {
      baseDir: base,
    });
    return { base, family };
  }

  it('resolves relative paths against the first root and absolute paths into any root', async () => {
    const { base, family } = await twoRoots();
    expect(await callTool(family, 'fs_read', { path: 'a.txt' })).toMatchObject({
      ok: true,
      result: { content: [{ text: 'one' }] },
    });
    expect(await callTool(family, 'fs_read', { path: 'b.txt' })).toMatchObject({
      ok: false,
      code: 'FS_NOT_FOUND',
    });
    expect(await callTool(family, 'fs_read', { path: path.join(base, 'two', 'b.txt') })).toMatchObject({
      ok: true,
      result: { content: [{ text: 'two' }], structuredContent: { path: 'b.txt' } },
    });
  });

  it('applies deny globs relative to every root that contains a path, so a nested root cannot bypass them', async () => {
    const { base, family } = await twoRoots(['inner/secret/**']);
    expect(await callTool(family, 'fs_read', { path: 'inner/secret/x.txt' })).toMatchObject({
      ok: false,
      code: 'FS_DENIED',
    });
    const viaNested = await callTool(family, 'fs_read', {
      path: path.join(base, 'one', 'inner', 'secret', 'x.txt'),
    });
    expect(viaNested).toMatchObject({ ok: false, code: 'FS_DENIED' });
    expect(JSON.stringify(viaNested)).not.toContain(SECRET);
  });

  it('refuses to delete a directory that contains another root', async () => {
    const { family } = await twoRoots();
    expect(await callTool(family, 'fs_delete', { path: 'inner', recursive: true })).toMatchObject({
      ok: false,
      code: 'FS_ROOT_PROTECTED',
    });
  });
});

describe('policy options', () => {
  it('readOnly refuses write, move and delete but still reads', async () => {
    const f = await fixture({ readOnly: true });
    expect(await f.call('fs_write', { path: 'x.txt', content: 'x' })).toEqual({
      ok: false,
      code: 'FS_READ_ONLY',
      message: 'file tools are read-only',
    });
    expect(await f.call('fs_move', { from: 'hello.txt', to: 'y.txt' })).toMatchObject({
      ok: false,
      code: 'FS_READ_ONLY',
    });
    expect(await f.call('fs_delete', { path: 'hello.txt' })).toMatchObject({
      ok: false,
      code: 'FS_READ_ONLY',
    });
    expect(await f.call('fs_read', { path: 'hello.txt' })).toMatchObject({ ok: true });
  });

  it('maxReadBytes caps whole reads but allows a smaller range', async () => {
    const f = await fixture({ maxReadBytes: 5 });
    expect(await f.call('fs_read', { path: 'hello.txt' })).toEqual({
      ok: false,
      code: 'FS_TOO_LARGE',
      message: 'file too large: hello.txt',
    });
    expect(await f.call('fs_read', { path: 'hello.txt', length: 5 })).toMatchObject({
      ok: true,
      result: { content: [{ text: 'hello' }] },
    });
  });

  it('maxWriteBytes caps decoded content', async () => {
    const f = await fixture({ maxWriteBytes: 4 });
    expect(
      await f.call('fs_write', {
        path: 'x.bin',
        content: Buffer.from('12345').toString('base64'),
        encoding: 'base64',
      }),
    ).toMatchObject({
      ok: false,
      code: 'FS_TOO_LARGE',
    });
    expect(
      await f.call('fs_write', {
        path: 'x.bin',
        content: Buffer.from('1234').toString('base64'),
        encoding: 'base64',
      }),
    ).toMatchObject({ ok: true });
  });

  it('hardLinks allow lets multiply-linked files through, as configured', async () => {
    const f = await fixture({ hardLinks: 'allow' });
    expect(await f.call('fs_read', { path: 'hard-secret' })).toMatchObject({
      ok: true,
      result: { content: [{ text: SECRET }] },
    });
  });

  it('an empty deny list lets .env through, as configured', async () => {
    const f = await fixture({ deny: [] });
    expect(await f.call('fs_read', { path: '.env' })).toMatchObject({ ok: true });
  });

  it('refuses content regexes prone to catastrophic backtracking', async () => {
    const f = await fixture();
    expect(await f.call('fs_search', { path: '.', pattern: '*', contentRegex: '(a+)+$' })).toMatchObject({
      ok: false,
      code: 'ARGS_INVALID',
    });
  });

  it('stops a walk once the call is cancelled', async () => {
    const f = await fixture();
    const list = f.family.tools.find((t) => t.definition.name === 'fs_list');
    const controller = new AbortController();
    controller.abort();
    await expect(
      list?.call({ path: '.', recursive: true }, { signal: controller.signal, requestId: 'r' }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('walk limits', () => {
  it('a listing deeper than the depth limit is marked truncated, and moving or deleting it is refused', async () => {
    const f = await fixture();
    const deep = path.join(f.root, 'deep', ...Array.from({ length: 70 }, () => 'd'));
    mkdirSync(deep, { recursive: true });
    writeFileSync(path.join(deep, '.env'), SECRET);
    const listing = await f.call('fs_list', { path: 'deep', recursive: true, maxEntries: 10_000 });
    expect(listing).toMatchObject({ ok: true, result: { structuredContent: { truncated: true } } });
    expect(await f.call('fs_move', { from: 'deep', to: 'moved' })).toMatchObject({
      ok: false,
      code: 'FS_TOO_LARGE',
    });
    expect(await f.call('fs_delete', { path: 'deep', recursive: true })).toMatchObject({
      ok: false,
      code: 'FS_TOO_LARGE',
    });
    expect(await f.call('fs_stat', { path: 'deep' })).toMatchObject({ ok: true });
  });
});

describe('fallback without /proc/self/fd (device and inode re-checks)', () => {
  it('keeps refusing escapes and serving ordinary calls', async () => {
    const f = await fixture();
    const ctx = {
      ...(await createFsContext(fsConfigSchema.parse({ roots: ['project'] }), f.base)),
      anchored: false,
    };
    const family: ToolFamily = { tools: [createReadTool(ctx), createWriteTool(ctx), createListTool(ctx)] };
    expect(await callTool(family, 'fs_read', { path: 'hello.txt' })).toMatchObject({
      ok: true,
      result: { content: [{ text: 'hello world\n' }] },
    });
    expect(
      await callTool(family, 'fs_write', { path: 'n/x.txt', content: 'x', createDirs: true }),
    ).toMatchObject({ ok: true });
    expect(await callTool(family, 'fs_list', { path: 'n' })).toMatchObject({
      ok: true,
      result: { structuredContent: { entries: [{ path: 'n/x.txt' }] } },
    });
    for (const [p, code] of [
      ['link-out-file', 'FS_SYMLINK'],
      ['link-out-dir/inner-secret.txt', 'FS_SYMLINK'],
      ['../secret.txt', 'FS_OUTSIDE_ROOT'],
      ['.env', 'FS_DENIED'],
      ['hard-secret', 'FS_HARDLINK'],
    ]) {
      const outcome = await callTool(family, 'fs_read', { path: p });
      expect(outcome).toMatchObject({ ok: false, code });
      expect(JSON.stringify(outcome)).not.toContain(SECRET);
    }
    const before = f.outsideSnapshot();
    expect(await callTool(family, 'fs_write', { path: 'link-out-dir/x.txt', content: 'x' })).toMatchObject({
      ok: false,
      code: 'FS_SYMLINK',
    });
    expect(f.outsideSnapshot()).toBe(before);
  });
});
