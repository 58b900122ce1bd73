import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFixture, SECRET, type CallOutcome, type Fixture } from './test-fixture.js';

/** How long the swapper keeps swapping, in milliseconds. */
const SWAP_MS = 1000;
/** Upper bound on calls per scenario, so the loop ends even if the swapper misbehaves. */
const MAX_CALLS = 5000;

// Swaps `target` between a real entry and a symbolic link to `outside` as fast as it can, until time runs out.
const SWAPPER = `
const fs = require('node:fs');
const [target, outside, ms] = process.argv.slice(1);
const end = Date.now() + Number(ms);
let swaps = 0;
while (Date.now() < end) {
  fs.renameSync(target, target + '.real');
  fs.symlinkSync(outside, target);
  fs.unlinkSync(target);
  fs.renameSync(target + '.real', target);
  swaps += 1;
}
process.stdout.write(String(swaps));
`;

function startSwapper(target: string, outside: string): { child: ChildProcess; done: Promise<number> } {
  const child = spawn(process.execPath, ['-e', SWAPPER, target, outside, String(SWAP_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const done = new Promise<number>((resolve) => child.on('exit', () => resolve(Number(out))));
  return { child, done };
}

async function hammer(
  f: Fixture,
  target: string,
  outside: string,
  call: () => Promise<CallOutcome>,
): Promise<{ outcomes: CallOutcome[]; swaps: number }> {
  const swapper = startSwapper(target, outside);
  running = swapper.child;
  let finished = false;
  void swapper.done.then(() => (finished = true));
  const outcomes: CallOutcome[] = [];
  for (let i = 0; i < MAX_CALLS && !finished; i += 1) outcomes.push(await call());
  const swaps = await swapper.done;
  return { outcomes, swaps };
}

let running: ChildProcess | undefined;
let fixture: Fixture | undefined;

describe('fs races: a directory or file swapped for a symbolic link while calls run', () => {
  afterEach(() => {
    if (running?.exitCode === null) running.kill('SIGKILL');
    fixture?.cleanup();
  });

  async function setup(): Promise<Fixture> {
    const f = await createFixture();
    fixture = f;
    mkdirSync(path.join(f.root, 'race'));
    writeFileSync(path.join(f.root, 'race', 'file.txt'), 'benign');
    mkdirSync(path.join(f.base, 'outside-race'));
    writeFileSync(path.join(f.base, 'outside-race', 'file.txt'), SECRET);
    writeFileSync(path.join(f.base, 'outside-race', 'outside-only.txt'), SECRET);
    return f;
  }

  it('fs_read never returns content from behind a swapped-in directory link', async () => {
    const f = await setup();
    const { outcomes, swaps } = await hammer(
      f,
      path.join(f.root, 'race'),
      path.join(f.base, 'outside-race'),
      () => f.call('fs_read', { path: 'race/file.txt' }),
    );
    expect(swaps).toBeGreaterThan(0);
    expect(outcomes.length).toBeGreaterThan(0);
    for (const outcome of outcomes) {
      expect(JSON.stringify(outcome)).not.toContain(SECRET);
      if (outcome.ok) expect(outcome.result.content).toEqual([{ type: 'text', text: 'benign' }]);
      else expect(['FS_SYMLINK', 'FS_NOT_FOUND', 'FS_CHANGED', 'FS_NOT_A_DIRECTORY']).toContain(outcome.code);
    }
  });

  it('fs_read never follows a file swapped for a link to an outside file', async () => {
    const f = await setup();
    const { outcomes } = await hammer(
      f,
      path.join(f.root, 'race', 'file.txt'),
      path.join(f.base, 'secret.txt'),
      () => f.call('fs_read', { path: 'race/file.txt' }),
    );
    for (const outcome of outcomes) {
      expect(JSON.stringify(outcome)).not.toContain(SECRET);
      if (outcome.ok) expect(outcome.result.content).toEqual([{ type: 'text', text: 'benign' }]);
    }
  });

  it('fs_write never creates a file behind a swapped-in directory link', async () => {
    const f = await setup();
    const before = readdirSync(path.join(f.base, 'outside-race')).sort();
    let n = 0;
    await hammer(f, path.join(f.root, 'race'), path.join(f.base, 'outside-race'), () => {
      n += 1;
      return f.call('fs_write', { path: `race/new-${n}.txt`, content: 'written' });
    });
    expect(readdirSync(path.join(f.base, 'outside-race')).sort()).toEqual(before);
    expect(existsSync(path.join(f.base, 'outside-race', 'new-1.txt'))).toBe(false);
  });

  it('fs_list and fs_search never descend into a swapped-in directory link', async () => {
    const f = await setup();
    let flip = false;
    const { outcomes } = await hammer(f, path.join(f.root, 'race'), path.join(f.base, 'outside-race'), () => {
      flip = !flip;
      return flip
        ? f.call('fs_list', { path: '.', recursive: true })
        : f.call('fs_search', { path: '.', pattern: '*', contentRegex: 'SECRET' });
    });
    for (const outcome of outcomes) {
      const text = JSON.stringify(outcome);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('outside-only.txt');
    }
  });
});
