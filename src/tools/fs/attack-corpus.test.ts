import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFixture, SECRET, type Fixture } from './test-fixture.js';

interface Attack {
  name: string;
  tool: string;
  /** Arguments; a function receives the fixture for absolute paths. */
  args: Record<string, unknown> | ((f: Fixture) => Record<string, unknown>);
  code: string;
}

const tail = (f: Fixture, ...parts: string[]): string => path.join(f.base, ...parts);

const ATTACKS: Attack[] = [
  // traversal and odd inputs
  {
    name: 'dot-dot out of the root',
    tool: 'fs_read',
    args: { path: '../secret.txt' },
    code: 'FS_OUTSIDE_ROOT',
  },
  {
    name: 'dot-dot after a subdirectory',
    tool: 'fs_read',
    args: { path: 'sub/../../secret.txt' },
    code: 'FS_OUTSIDE_ROOT',
  },
  {
    name: 'deep dot-dot chain',
    tool: 'fs_read',
    args: { path: 'a/b/../../../../../../../../etc/passwd' },
    code: 'FS_OUTSIDE_ROOT',
  },
  {
    name: 'absolute path outside',
    tool: 'fs_read',
    args: (f) => ({ path: tail(f, 'secret.txt') }),
    code: 'FS_OUTSIDE_ROOT',
  },
  {
    name: 'sibling prefix root2',
    tool: 'fs_read',
    args: (f) => ({ path: tail(f, 'project2', 'secret.txt') }),
    code: 'FS_OUTSIDE_ROOT',
  },
  {
    name: 'sibling prefix root_evil',
    tool: 'fs_read',
    args: (f) => ({ path: `${f.root}_evil/secret.txt` }),
    code: 'FS_OUTSIDE_ROOT',
  },
  {
    name: 'relative sibling prefix',
    tool: 'fs_read',
    args: { path: '../project2/secret.txt' },
    code: 'FS_OUTSIDE_ROOT',
  },
  {
    name: 'absolute root then dot-dot to sibling',
    tool: 'fs_read',
    args: (f) => ({ path: `${f.root}/../project2/secret.txt` }),
    code: 'FS_OUTSIDE_ROOT',
  },
  {
    name: '/proc/self/root prefix',
    tool: 'fs_read',
    args: (f) => ({ path: `/proc/self/root${tail(f, 'secret.txt')}` }),
    code: 'FS_OUTSIDE_ROOT',
  },
  {
    name: '/proc/self/root onto the root itself',
    tool: 'fs_read',
    args: (f) => ({ path: `/proc/self/root${f.root}/.env` }),
    code: 'FS_OUTSIDE_ROOT',
  },
  {
    name: '/proc/self/cwd',
    tool: 'fs_read',
    args: { path: '/proc/self/cwd/package.json' },
    code: 'FS_OUTSIDE_ROOT',
  },
  { name: '/dev/fd/0', tool: 'fs_read', args: { path: '/dev/fd/0' }, code: 'FS_OUTSIDE_ROOT' },
  { name: '/proc/self/fd/1', tool: 'fs_read', args: { path: '/proc/self/fd/1' }, code: 'FS_OUTSIDE_ROOT' },
  { name: '/etc/passwd', tool: 'fs_read', args: { path: '/etc/passwd' }, code: 'FS_OUTSIDE_ROOT' },
  {
    name: 'NUL byte truncation',
    tool: 'fs_read',
    args: { path: 'hello.txt\0../../secret.txt' },
    code: 'FS_BAD_PATH',
  },
  { name: 'empty string', tool: 'fs_read', args: { path: '' }, code: 'FS_BAD_PATH' },
  { name: 'number as path', tool: 'fs_read', args: { path: 42 }, code: 'FS_BAD_PATH' },
  { name: 'null as path', tool: 'fs_read', args: { path: null }, code: 'FS_BAD_PATH' },
  { name: 'array as path', tool: 'fs_read', args: { path: ['..', 'secret.txt'] }, code: 'FS_BAD_PATH' },
  {
    name: 'object as path',
    tool: 'fs_stat',
    args: { path: { toString: '../secret.txt' } },
    code: 'FS_BAD_PATH',
  },
  { name: 'missing path', tool: 'fs_list', args: {}, code: 'FS_BAD_PATH' },
  { name: 'lone surrogate', tool: 'fs_read', args: { path: 'a\uD800b' }, code: 'FS_BAD_PATH' },
  { name: 'overlong path', tool: 'fs_read', args: { path: 'a/'.repeat(3000) }, code: 'FS_BAD_PATH' },
  { name: 'tilde is not expanded', tool: 'fs_read', args: { path: '~/secret.txt' }, code: 'FS_NOT_FOUND' },
  {
    name: 'file URL is not a URL',
    tool: 'fs_read',
    args: (f) => ({ path: `file://${tail(f, 'secret.txt')}` }),
    code: 'FS_NOT_FOUND',
  },
  {
    name: 'NUL in a move destination',
    tool: 'fs_move',
    args: { from: 'hello.txt', to: 'x\0' },
    code: 'FS_BAD_PATH',
  },
  // symbolic links
  { name: 'file link to outside', tool: 'fs_read', args: { path: 'link-out-file' }, code: 'FS_SYMLINK' },
  {
    name: 'directory link to outside',
    tool: 'fs_read',
    args: { path: 'link-out-dir/inner-secret.txt' },
    code: 'FS_SYMLINK',
  },
  {
    name: 'relative directory link to outside',
    tool: 'fs_read',
    args: { path: 'link-rel-out/inner-secret.txt' },
    code: 'FS_SYMLINK',
  },
  { name: 'link chain to outside', tool: 'fs_read', args: { path: 'chain1' }, code: 'FS_SYMLINK' },
  {
    name: 'link to sibling-prefix directory',
    tool: 'fs_read',
    args: { path: 'link-sibling/secret.txt' },
    code: 'FS_SYMLINK',
  },
  {
    name: 'link to /proc/self/root',
    tool: 'fs_read',
    args: (f) => ({ path: `link-proc${tail(f, 'secret.txt')}` }),
    code: 'FS_SYMLINK',
  },
  {
    name: 'link to the parent of the root',
    tool: 'fs_read',
    args: { path: 'link-parent/secret.txt' },
    code: 'FS_SYMLINK',
  },
  { name: 'dangling link', tool: 'fs_read', args: { path: 'dangling' }, code: 'FS_SYMLINK' },
  {
    name: 'write through a file link',
    tool: 'fs_write',
    args: { path: 'link-out-file', content: 'pwned' },
    code: 'FS_SYMLINK',
  },
  {
    name: 'write into a directory link',
    tool: 'fs_write',
    args: { path: 'link-out-dir/new.txt', content: 'pwned' },
    code: 'FS_SYMLINK',
  },
  {
    name: 'write through a dangling link',
    tool: 'fs_write',
    args: { path: 'dangling', content: 'pwned' },
    code: 'FS_SYMLINK',
  },
  {
    name: 'createDirs under a dangling parent link',
    tool: 'fs_write',
    args: { path: 'dangling-dir/a/x.txt', content: 'pwned', createDirs: true },
    code: 'FS_SYMLINK',
  },
  {
    name: 'new file under an outside parent link',
    tool: 'fs_write',
    args: { path: 'link-rel-out/fresh.txt', content: 'pwned' },
    code: 'FS_SYMLINK',
  },
  {
    name: 'list through a directory link',
    tool: 'fs_list',
    args: { path: 'link-out-dir' },
    code: 'FS_SYMLINK',
  },
  { name: 'stat through a file link', tool: 'fs_stat', args: { path: 'link-out-file' }, code: 'FS_SYMLINK' },
  {
    name: 'search through a directory link',
    tool: 'fs_search',
    args: { path: 'link-out-dir', pattern: '*' },
    code: 'FS_SYMLINK',
  },
  {
    name: 'delete through a directory link',
    tool: 'fs_delete',
    args: { path: 'link-out-dir/inner-secret.txt' },
    code: 'FS_SYMLINK',
  },
  {
    name: 'delete a link whose target is outside',
    tool: 'fs_delete',
    args: { path: 'link-out-file' },
    code: 'FS_SYMLINK',
  },
  {
    name: 'move out of a directory link',
    tool: 'fs_move',
    args: { from: 'link-out-dir/inner-secret.txt', to: 'stolen.txt' },
    code: 'FS_SYMLINK',
  },
  {
    name: 'move into a directory link',
    tool: 'fs_move',
    args: { from: 'hello.txt', to: 'link-out-dir/hello.txt' },
    code: 'FS_SYMLINK',
  },
  {
    name: 'move to outside',
    tool: 'fs_move',
    args: { from: 'hello.txt', to: '../hello.txt' },
    code: 'FS_OUTSIDE_ROOT',
  },
  {
    name: 'write outside',
    tool: 'fs_write',
    args: { path: '../evil.txt', content: 'pwned' },
    code: 'FS_OUTSIDE_ROOT',
  },
  {
    name: 'write into a sibling-prefix root',
    tool: 'fs_write',
    args: (f) => ({ path: tail(f, 'project2', 'evil.txt'), content: 'x' }),
    code: 'FS_OUTSIDE_ROOT',
  },
  // deny patterns
  { name: 'read .env', tool: 'fs_read', args: { path: '.env' }, code: 'FS_DENIED' },
  { name: 'read .env in another case', tool: 'fs_read', args: { path: '.ENV' }, code: 'FS_DENIED' },
  { name: 'read a key in .ssh', tool: 'fs_read', args: { path: 'sub/.ssh/id_rsa' }, code: 'FS_DENIED' },
  { name: 'read a pem', tool: 'fs_read', args: { path: 'keys/server.pem' }, code: 'FS_DENIED' },
  {
    name: 'read a link whose target is denied',
    tool: 'fs_read',
    args: { path: 'link-to-env' },
    code: 'FS_DENIED',
  },
  {
    name: 'read .env via dot-dot from a denied dir',
    tool: 'fs_read',
    args: { path: 'sub/.ssh/../../.env' },
    code: 'FS_DENIED',
  },
  { name: 'list a denied directory', tool: 'fs_list', args: { path: 'sub/.ssh' }, code: 'FS_DENIED' },
  { name: 'stat .env', tool: 'fs_stat', args: { path: '.env' }, code: 'FS_DENIED' },
  { name: 'overwrite .env', tool: 'fs_write', args: { path: '.env', content: 'x' }, code: 'FS_DENIED' },
  {
    name: 'move .env to a readable name',
    tool: 'fs_move',
    args: { from: '.env', to: 'public.txt' },
    code: 'FS_DENIED',
  },
  {
    name: 'move a file onto .env',
    tool: 'fs_move',
    args: { from: 'hello.txt', to: '.env' },
    code: 'FS_DENIED',
  },
  {
    name: 'move a directory holding a denied file',
    tool: 'fs_move',
    args: { from: 'sub', to: 'public-sub' },
    code: 'FS_DENIED',
  },
  { name: 'delete .env', tool: 'fs_delete', args: { path: '.env' }, code: 'FS_DENIED' },
  {
    name: 'recursive delete of a tree holding a denied file',
    tool: 'fs_delete',
    args: { path: 'sub', recursive: true },
    code: 'FS_DENIED',
  },
  // hard links, special files, roots, limits
  {
    name: 'read a hard link to an outside file',
    tool: 'fs_read',
    args: { path: 'hard-secret' },
    code: 'FS_HARDLINK',
  },
  {
    name: 'write a hard link to an outside file',
    tool: 'fs_write',
    args: { path: 'hard-secret', content: 'pwned' },
    code: 'FS_HARDLINK',
  },
  { name: 'read a FIFO does not hang', tool: 'fs_read', args: { path: 'fifo' }, code: 'FS_NOT_A_FILE' },
  { name: 'read the root', tool: 'fs_read', args: { path: '.' }, code: 'FS_NOT_A_FILE' },
  {
    name: 'delete the root',
    tool: 'fs_delete',
    args: { path: '.', recursive: true },
    code: 'FS_ROOT_PROTECTED',
  },
  {
    name: 'delete the root by absolute path',
    tool: 'fs_delete',
    args: (f) => ({ path: f.root, recursive: true }),
    code: 'FS_ROOT_PROTECTED',
  },
  {
    name: 'delete the root via dot-dot',
    tool: 'fs_delete',
    args: { path: 'sub/..', recursive: true },
    code: 'FS_ROOT_PROTECTED',
  },
  { name: 'move the root', tool: 'fs_move', args: { from: '.', to: 'elsewhere' }, code: 'FS_ROOT_PROTECTED' },
  {
    name: 'move onto the root',
    tool: 'fs_move',
    args: { from: 'hello.txt', to: '.' },
    code: 'FS_ROOT_PROTECTED',
  },
  { name: 'write the root', tool: 'fs_write', args: { path: '.', content: 'x' }, code: 'FS_NOT_A_FILE' },
  {
    name: 'unknown argument',
    tool: 'fs_read',
    args: { path: 'hello.txt', follow: true },
    code: 'ARGS_INVALID',
  },
  { name: 'negative offset', tool: 'fs_read', args: { path: 'hello.txt', offset: -1 }, code: 'ARGS_INVALID' },
  {
    name: 'invalid content regex',
    tool: 'fs_search',
    args: { path: '.', pattern: '*', contentRegex: '(' },
    code: 'ARGS_INVALID',
  },
  {
    name: 'invalid base64 content',
    tool: 'fs_write',
    args: { path: 'b.bin', content: '@@@', encoding: 'base64' },
    code: 'ARGS_INVALID',
  },
  {
    name: 'write over the size cap',
    tool: 'fs_write',
    args: { path: 'big.txt', content: 'x'.repeat(1024 * 1024 + 1) },
    code: 'FS_TOO_LARGE',
  },
];

describe('fs attack corpus', () => {
  let fixture: Fixture | undefined;
  afterEach(() => {
    fixture?.cleanup();
    fixture = undefined;
  });

  it('has at least 40 cases', () => {
    expect(ATTACKS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(ATTACKS.map((a) => [a.name, a] as const))('refuses: %s', async (_name, attack) => {
    const f = await createFixture();
    fixture = f;
    const before = f.outsideSnapshot();
    const args = typeof attack.args === 'function' ? attack.args(f) : attack.args;
    const outcome = await f.call(attack.tool, args);
    expect(outcome).toMatchObject({ ok: false, code: attack.code });
    const text = JSON.stringify(outcome);
    expect(text).not.toContain(SECRET);
    // A message may echo the caller's own path, but never reveal a host path the caller did not send.
    if (!JSON.stringify(args).includes(f.base)) expect(text).not.toContain(f.base);
    expect(f.outsideSnapshot()).toBe(before);
  });
});
