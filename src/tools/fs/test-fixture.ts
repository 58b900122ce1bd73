import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fsConfigSchema, type FsConfig } from '../../config/builtins.js';
import { isWardenError } from '../../errors/index.js';
import type { ToolResult } from '../../mcp/wire.js';
import type { ToolFamily } from '../types.js';
import { createFsTools } from './create-fs-tools.js';

/** Content of every file planted outside the root; it must never come back from a tool. */
export const SECRET = 'TOP-SECRET-d41d8cd98f00';

/** A temporary tree: `project/` is the root, everything else is outside it (or denied inside it). */
export interface Fixture {
  readonly base: string;
  readonly root: string;
  readonly family: ToolFamily;
  call(tool: string, args: Record<string, unknown>): Promise<CallOutcome>;
  /** Hash of everything outside the root, to prove an attack changed nothing there. */
  outsideSnapshot(): string;
  cleanup(): void;
}

/** Either a tool result or the code and message of the refusal. */
export type CallOutcome = { ok: true; result: ToolResult } | { ok: false; code: string; message: string };

function write(file: string, content: string | Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

function plant(base: string): void {
  const root = path.join(base, 'project');
  write(path.join(base, 'secret.txt'), SECRET);
  write(path.join(base, 'outside', 'inner-secret.txt'), SECRET);
  write(path.join(base, 'project2', 'secret.txt'), SECRET);
  write(path.join(base, 'project_evil', 'secret.txt'), SECRET);
  write(path.join(root, 'hello.txt'), 'hello world\n');
  write(path.join(root, 'sub', 'nested.txt'), 'nested line one\nsecond line\n');
  write(path.join(root, '.env'), `TOKEN=${SECRET}`);
  write(path.join(root, 'sub', '.ssh', 'id_rsa'), SECRET);
  write(path.join(root, 'keys', 'server.pem'), SECRET);
  symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'link-out-file'));
  symlinkSync(path.join(base, 'outside'), path.join(root, 'link-out-dir'));
  symlinkSync('../outside', path.join(root, 'link-rel-out'));
  symlinkSync('chain2', path.join(root, 'chain1'));
  symlinkSync('../secret.txt', path.join(root, 'chain2'));
  symlinkSync('../project2', path.join(root, 'link-sibling'));
  symlinkSync('/proc/self/root', path.join(root, 'link-proc'));
  symlinkSync('..', path.join(root, 'link-parent'));
  symlinkSync('../nothing-here', path.join(root, 'dangling'));
  symlinkSync('../newdir-outside', path.join(root, 'dangling-dir'));
  symlinkSync('.env', path.join(root, 'link-to-env'));
  symlinkSync('hello.txt', path.join(root, 'link-in'));
  symlinkSync('sub', path.join(root, 'link-in-dir'));
  linkSync(path.join(base, 'secret.txt'), path.join(root, 'hard-secret'));
  execFileSync('mkfifo', [path.join(root, 'fifo')]);
}

function snapshot(dir: string, skip: string): string {
  const hash = createHash('sha256');
  const visit = (current: string): void => {
    for (const name of readdirSync(current).sort()) {
      const full = path.join(current, name);
      if (full === skip) continue;
      const info = lstatSync(full);
      hash.update(`${full}|${info.mode}|${info.size}|${info.mtimeMs}\n`);
      if (info.isSymbolicLink()) hash.update(readlinkSync(full));
      else if (info.isDirectory()) visit(full);
      else if (info.isFile()) hash.update(readFileSync(full));
    }
  };
  visit(dir);
  return hash.digest('hex');
}

/** Calls a tool, turning a WardenError into an outcome and letting anything else fail the test. */
export async function callTool(
  family: ToolFamily,
  tool: string,
  args: Record<string, unknown>,
): Promise<CallOutcome> {
  const found = family.tools.find((t) => t.definition.name === tool);
  if (found === undefined) throw new Error(`no tool ${tool}`);
  try {
    const result = await found.call(args, { signal: new AbortController().signal, requestId: 'test' });
    return { ok: true, result };
  } catch (error) {
    if (isWardenError(error)) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}

/** Builds the hostile tree under os.tmpdir() and the fs tools over it. */
export async function createFixture(overrides: Partial<FsConfig> = {}): Promise<Fixture> {
  const base = mkdtempSync(path.join(os.tmpdir(), 'warden-fs-'));
  plant(base);
  const root = path.join(base, 'project');
  const config = fsConfigSchema.parse({
    roots: ['project'],
    maxReadBytes: 1024 * 1024,
    maxWriteBytes: 1024 * 1024,
    ...overrides,
  });
  const family = await createFsTools(config, { baseDir: base });
  return {
    base,
    root,
    family,
    call: (tool, args) => callTool(family, tool, args),
    outsideSnapshot: () => snapshot(base, root),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}
