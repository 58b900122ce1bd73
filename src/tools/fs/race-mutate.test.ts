import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFixture, SECRET, type CallOutcome, type Fixture } from './test-fixture.js';

/** How long the swapper keeps swapping, in milliseconds. */
const SWAP_MS = 800;
/** Upper bound on calls per scenario, so the loop ends even if the swapper misbehaves. */
const MAX_CALLS = 4000;

// Swaps `target` between a real directory and a symbolic link to `outside`, until time runs out.
const SWAPPER = `
const fs = require('node:fs');
const [target, outside, ms] = process.argv.slice(1);
const end = Date.now() + Number(ms);
let swaps = 0;
let junk = 0;
// fs_write with createDirs may legitimately recreate the name while the real directory is away: move it aside.
function restore() {
  for (;;) {
    try {
      fs.renameSync(target + '.real', target);
      return;
    } catch (error) {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
      fs.renameSync(target, target + '.junk' + junk++);
    }
  }
}
while (Date.now() < end) {
  fs.renameSync(target, target + '.real');
  try {
    fs.symlinkSync(outside, target);
    fs.unlinkSync(target);
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
  restore();
  swaps += 1;
}
process.stdout.write(String(swaps));
`;

let running: ChildProcess | undefined;
let fixture: Fixture | undefined;

async function hammer(
  target: string,
  outside: string,
  call: (i: number) => Promise<CallOutcome>,
): Promise<number> {
  const child = spawn(process.execPath, ['-e', SWAPPER, target, outside, String(SWAP_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running = child;
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  let finished = false;
  const done = new Promise<number>((resolve) =>
    child.on('exit', () => {
      finished = true;
      resolve(Number(out));
    }),
  );
  for (let i = 0; i < MAX_CALLS && !finished; i += 1) await call(i);
  return done;
}

/** The names and contents of the outside directory, which no call may change. */
function outsideState(dir: string): string {
  return JSON.stringify(
    readdirSync(dir)
      .sort()
      .map((name) => [name, readFileSync(path.join(dir, name), 'utf8')]),
  );
}

describe('fs races on changing tools: a parent directory swapped for a link to outside', () => {
  afterEach(() => {
    if (running?.exitCode === null) running.kill('SIGKILL');
    fixture?.cleanup();
  });

  async function setup(): Promise<{ f: Fixture; race: string; outside: string }> {
    const f = await createFixture();
    fixture = f;
    const race = path.join(f.root, 'race');
    const outside = path.join(f.base, 'outside-race');
    mkdirSync(race);
    mkdirSync(outside);
    for (let i = 0; i < MAX_CALLS; i += 1) writeFileSync(path.join(outside, `f${i}.txt`), SECRET);
    return { f, race, outside };
  }

  it('fs_delete and fs_move never remove, rename or replace an outside file', async () => {
    const { f, race, outside } = await setup();
    const before = outsideState(outside);
    const swaps = await hammer(race, outside, async (i) => {
      // Recreate the inside name each time, so the call has something legitimate to act on.
      await f.call('fs_write', { path: `race/f${i}.txt`, content: 'inside' });
      switch (i % 3) {
        case 0:
          return f.call('fs_delete', { path: `race/f${i}.txt` });
        case 1:
          return f.call('fs_move', { from: `race/f${i}.txt`, to: `moved-${i}.txt` });
        default:
          return f
            .call('fs_move', { from: 'hello.txt', to: `race/f${i}.txt`, overwrite: true })
            .then(async (outcome) => {
              await f.call('fs_write', { path: 'hello.txt', content: 'hello world\n' });
              return outcome;
            });
      }
    });
    expect(swaps).toBeGreaterThan(0);
    expect(outsideState(outside)).toBe(before);
    for (const name of readdirSync(f.root)) {
      if (name.startsWith('moved-')) expect(readFileSync(path.join(f.root, name), 'utf8')).toBe('inside');
    }
  });

  it('fs_stat and fs_write with createDirs never reach behind the link', async () => {
    const { f, race, outside } = await setup();
    const before = outsideState(outside);
    const swaps = await hammer(race, outside, async (i) => {
      const stat = await f.call('fs_stat', { path: `race/f${i}.txt` });
      // The outside files exist under these names; a stat that succeeded would describe one of them.
      expect(stat.ok).toBe(false);
      return f.call('fs_write', { path: `race/d${i}/x.txt`, content: 'w', createDirs: true });
    });
    expect(swaps).toBeGreaterThan(0);
    expect(outsideState(outside)).toBe(before);
    expect(readdirSync(outside).some((name) => name.startsWith('d'))).toBe(false);
  });
});
