import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareRecord } from '../audit/prepare.js';
import { normaliseRecord } from '../audit/record.js';
import { createRedactor } from '../audit/redact.js';
import { sampleRecord } from '../audit/test-records.js';
import { AUDIT_MIGRATIONS } from '../store/sqlite/audit-schema.js';
import { createAuditWriter } from '../store/sqlite/audit-writer.js';
import { openSqlite } from '../store/sqlite/open.js';
import { auditCommand, csvCell, type AuditCliIo } from './audit.js';

const KEY = 'cli-seal-key';
let dir: string;
let file: string;

function append(
  from: number,
  to: number,
  overrides: (i: number) => Parameters<typeof sampleRecord>[1] = () => ({}),
): void {
  const db = openSqlite(file, AUDIT_MIGRATIONS);
  const writer = createAuditWriter(db, { sealKey: KEY, sealEveryRecords: 3 });
  const redactor = createRedactor();
  for (let i = from; i <= to; i++)
    writer.appendBatch([prepareRecord(normaliseRecord(sampleRecord(i, overrides(i))), redactor)], 1);
  writer.sealHead(1);
  db.close();
}

interface Run {
  code: number | undefined;
  out: string;
  err: string;
}

async function run(args: string[], extra: Partial<AuditCliIo> = {}): Promise<Run> {
  const result: Run = { code: undefined, out: '', err: '' };
  const cmd = auditCommand({
    write: (t) => void (result.out += t),
    writeError: (t) => void (result.err += t),
    env: { SEAL: KEY, WRONG: 'nope' },
    setExitCode: (c) => void (result.code = c),
    ...extra,
  });
  for (const c of [cmd, ...cmd.commands]) c.exitOverride();
  try {
    await cmd.parseAsync(args, { from: 'user' });
  } catch (error) {
    result.code = (error as { exitCode?: number }).exitCode ?? -1;
  }
  return result;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-audit-cli-'));
  file = join(dir, 'warden.db');
  append(1, 6, (i) =>
    i === 4 ? { decision: 'deny', status: 'denied', errorCode: 'POLICY_DENIED', principal: 'mallory' } : {},
  );
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('warden audit tail', () => {
  it('prints the last N records as lines', async () => {
    const r = await run(['tail', '--db', file, '-n', '2']);
    expect(r).toEqual({
      code: 0,
      err: '',
      out:
        '2023-11-14T22:13:20.005Z #5 bob api-key tools/call shell_run allow ok 1.5ms req-5 rule=default\n' +
        '2023-11-14T22:13:20.006Z #6 alice api-key tools/call fs_read allow ok 1.5ms req-6 rule=default\n',
    });
  });

  it('prints JSON lines with parsed arguments', async () => {
    const r = await run(['tail', '--db', file, '-n', '1', '--json']);
    const line = JSON.parse(r.out) as Record<string, unknown>;
    expect(line).toMatchObject({
      seq: 6,
      correlationId: 'req-6',
      args: { n: 6, path: '/workspace/file-6.txt' },
      timeIso: '2023-11-14T22:13:20.006Z',
    });
  });

  it('follows new records until aborted', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const following = run(['tail', '--db', file, '-n', '0', '-f'], {
      signal: controller.signal,
      write: (t) => {
        lines.push(t);
        if (lines.length === 2) controller.abort();
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    append(7, 8);
    const r = await following;
    expect(r.code).toBe(0);
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['#7', '#8']);
  });

  it('strips control characters from stored text', async () => {
    append(7, 7, () => ({ correlationId: 'evil\u001b[2Jid' }));
    const r = await run(['tail', '--db', file, '-n', '1']);
    expect(r.out).toContain(' evil?[2Jid ');
  });

  it('rejects a bad count with a usage error', async () => {
    const r = await run(['tail', '--db', file, '-n', 'lots']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('must be a whole number');
  });

  it('exits 2 when the store does not exist', async () => {
    const r = await run(['tail', '--db', join(dir, 'missing.db')]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`cannot open the audit store ${join(dir, 'missing.db')}\n`);
  });
});

describe('warden audit search', () => {
  it('filters by principal, decision and status', async () => {
    const r = await run([
      'search',
      '--db',
      file,
      '--principal',
      'mallory',
      '--decision',
      'deny',
      '--status',
      'denied',
    ]);
    expect(r.out).toBe(
      '2023-11-14T22:13:20.004Z #4 mallory api-key tools/call shell_run deny denied:POLICY_DENIED 1.5ms req-4 rule=default\n',
    );
  });

  it('filters by tool, time range and correlation id', async () => {
    const byTool = await run(['search', '--db', file, '--tool', 'fs_read', '--json']);
    expect(
      byTool.out
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { seq: number }).seq),
    ).toEqual([3, 6]);
    const byTime = await run([
      'search',
      '--db',
      file,
      '--since',
      '2023-11-14T22:13:20.002Z',
      '--until',
      '2023-11-14T22:13:20.004Z',
      '--json',
    ]);
    expect(
      byTime.out
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { seq: number }).seq),
    ).toEqual([2, 3]);
    const byId = await run(['search', '--db', file, '--correlation', 'req-5', '--json']);
    expect((JSON.parse(byId.out) as { seq: number }).seq).toBe(5);
  });

  it('rejects an unknown decision and a malformed time', async () => {
    expect((await run(['search', '--db', file, '--decision', 'maybe'])).err).toContain(
      'Allowed choices are allow, deny, ask-allow, ask-deny',
    );
    expect((await run(['search', '--db', file, '--since', 'yesterday-ish'])).err).toContain(
      'must be an ISO 8601 time',
    );
  });
});

describe('warden audit verify', () => {
  it('reports an intact chain with authenticated seals', async () => {
    expect(await run(['verify', '--db', file, '--seal-key-env', 'SEAL'])).toEqual({
      code: 0,
      err: '',
      out: 'ok: 6 records (1..6), 2 seals authenticated, 0 unsealed\n',
    });
  });

  it('exits 1 naming the first bad record', async () => {
    const db = new Database(file);
    db.exec("UPDATE audit_records SET status = 'error' WHERE seq = 5");
    db.close();
    expect(await run(['verify', '--db', file])).toEqual({
      code: 1,
      err: '',
      out: 'FAILED at record 5: record content does not match its hash\n',
    });
  });

  it('fails with the wrong key and refuses an unset key variable', async () => {
    const wrong = await run(['verify', '--db', file, '--seal-key-env', 'WRONG', '--json']);
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.out)).toMatchObject({
      ok: false,
      firstBad: { seq: 1, reason: 'the seal at 3 has an invalid MAC' },
    });
    expect(await run(['verify', '--db', file, '--seal-key-env', 'UNSET'])).toEqual({
      code: 2,
      err: 'environment variable UNSET is not set\n',
      out: '',
    });
  });

  it('finds the store and the seal key through warden.yaml', async () => {
    const config = join(dir, 'warden.yaml');
    writeFileSync(config, 'store:\n  sqlite: warden.db\naudit:\n  sealKey: ${env:SEAL}\n');
    expect(await run(['verify', '--config', config])).toMatchObject({
      code: 0,
      out: 'ok: 6 records (1..6), 2 seals authenticated, 0 unsealed\n',
    });
  });

  it('exits 2 with the reason when the config is missing', async () => {
    const r = await run(['verify', '--config', join(dir, 'absent.yaml')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot read');
  });
});

describe('warden audit export', () => {
  it('writes JSON lines to a private file', async () => {
    const out = join(dir, 'export.jsonl');
    expect((await run(['export', '--db', file, '--format', 'jsonl', '--out', out])).code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(JSON.parse(lines[3]!)).toMatchObject({
      seq: 4,
      principal: 'mallory',
      decision: 'deny',
      errorCode: 'POLICY_DENIED',
    });
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it('writes CSV with a header and quoted arguments', async () => {
    const r = await run(['export', '--db', file, '--format', 'csv']);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe(
      'seq,time,correlationId,principal,authMethod,clientAddress,sessionId,upstream,method,name,argsDigest,args,decision,rule,status,errorCode,durationMs,requestBytes,responseBytes,prevHash,hash',
    );
    expect(lines).toHaveLength(7);
    expect(lines[1]).toContain(
      ',"{""n"":1,""path"":""/workspace/file-1.txt""}",allow,default,ok,,1.5,120,480,',
    );
  });

  it('rejects an unknown format', async () => {
    expect((await run(['export', '--db', file, '--format', 'xml'])).err).toContain(
      'Allowed choices are jsonl, csv',
    );
  });
});

describe('csvCell', () => {
  it('neutralises spreadsheet formulas and quotes separators', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(1.5)).toBe('1.5');
  });
});
