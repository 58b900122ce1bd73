import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFixture, SECRET, type Fixture } from './test-fixture.js';

// Directory names holding a line terminator: picomatch's `**` is a `.` in a regex, which does not match these
// unless the regex has the `s` flag, so `**/.env` once let `a\nb/.env` through every tool.
const ODD_DIRS = ['a\nb', 'c\rd', 'e\u2028f', 'g\u2029h'];

describe.each(ODD_DIRS.map((dir) => [JSON.stringify(dir), dir] as const))(
  'deny globs beneath the directory %s',
  (_label, dir) => {
    let f: Fixture;
    beforeEach(async () => {
      f = await createFixture();
      mkdirSync(path.join(f.root, dir, '.ssh'), { recursive: true });
      writeFileSync(path.join(f.root, dir, '.env'), SECRET);
      writeFileSync(path.join(f.root, dir, '.ssh', 'id_rsa'), SECRET);
      writeFileSync(path.join(f.root, dir, 'site.pem'), SECRET);
    });
    afterEach(() => f.cleanup());

    it.each([
      ['fs_read', { path: `${dir}/.env` }],
      ['fs_read', { path: `${dir}/.ssh/id_rsa` }],
      ['fs_read', { path: `${dir}/site.pem` }],
      ['fs_stat', { path: `${dir}/.env` }],
      ['fs_list', { path: `${dir}/.ssh` }],
      ['fs_search', { path: `${dir}/.ssh`, pattern: '*' }],
      ['fs_write', { path: `${dir}/.env`, content: 'pwned' }],
      ['fs_write', { path: `${dir}/new/.ssh/authorized_keys`, content: 'pwned', createDirs: true }],
      ['fs_move', { from: `${dir}/.env`, to: 'public.txt' }],
      ['fs_move', { from: 'hello.txt', to: `${dir}/.env.local` }],
      ['fs_move', { from: dir, to: 'public-dir' }],
      ['fs_delete', { path: `${dir}/.env` }],
      ['fs_delete', { path: dir, recursive: true }],
    ] as const)('%s %j is FS_DENIED', async (tool, args) => {
      const outcome = await f.call(tool, args);
      expect(outcome).toMatchObject({ ok: false, code: 'FS_DENIED' });
      expect(JSON.stringify(outcome)).not.toContain(SECRET);
      expect(existsSync(path.join(f.root, dir, '.env'))).toBe(true);
    });

    it('fs_list and fs_search leave the denied entries out', async () => {
      const calls = [
        f.call('fs_list', { path: '.', recursive: true }),
        f.call('fs_search', { path: '.', pattern: '*' }),
        f.call('fs_search', { path: '.', pattern: '**' }),
        f.call('fs_search', { path: '.', pattern: '*', contentRegex: 'SECRET' }),
      ];
      for (const outcome of await Promise.all(calls)) {
        expect(outcome.ok).toBe(true);
        const text = JSON.stringify(outcome);
        expect(text).not.toContain(SECRET);
        expect(text).not.toMatch(/\.env|id_rsa|\.pem|\.ssh/);
      }
    });
  },
);
