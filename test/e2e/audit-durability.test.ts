import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../src/audit/audit-log.js';
import { verifyAudit } from '../../src/audit/verify.js';

// The child runs the compiled gateway code (npm test builds dist/ first), so this also covers the production
// path that loads dist/audit/checkpoint-worker.js.
const DIST_AUDIT = resolve(import.meta.dirname, '../../dist/audit/index.js');
const KEY = 'durability-seal-key';
/** Acknowledged records to wait for before the kill. */
const ACKS_BEFORE_KILL = 3000;
const CHILD_DEADLINE_MS = 20_000;

const CHILD = `
const { openAuditLog } = await import(process.env.AUDIT_MODULE);
const log = await openAuditLog({ file: process.env.AUDIT_FILE, sealKey: process.env.AUDIT_KEY, sealEveryRecords: 500, durability: process.env.AUDIT_DURABILITY });
process.stdout.write('ready\\n');
const IN_FLIGHT = 400;
const MAX_RECORDS = 2_000_000;
let next = 0;
function one() {
  if (next >= MAX_RECORDS) return;
  const id = 'cid-' + next++;
  log.append({ time: Date.now(), correlationId: id, principal: 'load', authMethod: 'api-key', method: 'tools/call',
    name: 'echo', args: { message: id, token: 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8' }, decision: 'allow', status: 'ok',
    durationMs: 0.1, requestBytes: 100, responseBytes: 100 })
    .then(() => { process.stdout.write(id + '\\n'); one(); }, (e) => { process.stderr.write(String(e) + '\\n'); });
}
for (let i = 0; i < IN_FLIGHT; i++) one();
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-audit-e2e-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the appender, SIGKILLs it once enough records are acknowledged, and returns every acknowledged id. */
async function appendThenKill(file: string, durability = 'fsync'): Promise<string[]> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
    env: {
      PATH: process.env.PATH,
      AUDIT_MODULE: pathToFileURL(DIST_AUDIT).href,
      AUDIT_FILE: file,
      AUDIT_KEY: KEY,
      AUDIT_DURABILITY: durability,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acked: string[] = [];
  let partial = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((done) =>
    child.on('exit', (_code, signal) => done(signal)),
  );
  const deadline = setTimeout(() => child.kill('SIGKILL'), CHILD_DEADLINE_MS);
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    // A line without its newline was not completely printed: the record was acknowledged, but count only whole lines.
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('cid-')) acked.push(line);
    if (acked.length >= ACKS_BEFORE_KILL) child.kill('SIGKILL');
  });
  const signal = await exited;
  clearTimeout(deadline);
  expect(stderr).toBe('');
  expect(signal).toBe('SIGKILL');
  return acked;
}

describe('audit durability', () => {
  it.each(['fsync', 'os'])(
    'keeps every acknowledged record and a verifiable chain after SIGKILL under load (durability %s)',
    async (durability) => {
      expect(existsSync(DIST_AUDIT), 'run `npm run build` first: the child uses dist/').toBe(true);
      const file = join(dir, 'warden.db');
      const acked = await appendThenKill(file, durability);
      expect(acked.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);

      const db = new Database(file);
      const stored = new Set(
        db.prepare('SELECT correlation_id FROM audit_records').pluck().all() as string[],
      );
      const tokens = db.prepare("SELECT count(*) FROM audit_records WHERE args LIKE '%ghp_%'").pluck().get();
      db.close();
      expect(acked.filter((id) => !stored.has(id))).toEqual([]);
      expect(tokens).toBe(0);
      const result = await verifyAudit(file, { sealKey: KEY });
      expect(result).toMatchObject({ ok: true, records: stored.size, sealsAuthenticated: true });
      expect(result.seals).toBeGreaterThan(0);

      // The chain continues where the killed writer stopped.
      const log = await openAuditLog({ file, sealKey: KEY });
      await log.append({
        time: Date.now(),
        correlationId: 'after-restart',
        principal: 'p',
        authMethod: 'none',
        method: 'auth',
        decision: 'deny',
        status: 'denied',
        durationMs: 0,
        requestBytes: 0,
        responseBytes: 0,
      });
      await log.close();
      expect(await verifyAudit(file, { sealKey: KEY })).toMatchObject({
        ok: true,
        records: stored.size + 1,
        unsealedRecords: 0,
      });
    },
  );
});
