import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createReportRecorder, formatReport } from './report.js';

describe('formatReport', () => {
  it('renders one row per scenario and one column per target, with the first failure’s message', () => {
    const ok = { id: 'a', name: 'A', description: 'd', status: 'SUCCESS' as const };
    const bad = {
      id: 'b',
      name: 'B',
      description: 'd',
      status: 'FAILURE' as const,
      errorMessage: 'got 200 | not 4xx',
    };
    const warn = { id: 'c', name: 'C', description: 'should prime', status: 'WARNING' as const };
    expect(
      formatReport([
        { label: 'direct', checks: { ping: [ok], dns: [ok, bad] } },
        { label: 'warden', checks: { ping: [ok, warn], extra: [ok, ok] } },
      ]),
    ).toBe(
      [
        '| scenario | direct | warden |',
        '| --- | --- | --- |',
        '| ping | ✅ 1 | ⚠️ should prime |',
        '| dns | ❌ got 200 \\| not 4xx | – |',
        '| extra | – | ✅ 2 |',
      ].join('\n'),
    );
  });

  it('renders an empty table for no targets', () => {
    expect(formatReport([])).toBe('| scenario |  |\n| --- |  |');
  });
});

describe('createReportRecorder', () => {
  it('merges runs of one label into one column and writes the table when a folder is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const ok = { id: 'a', name: 'A', description: 'd', status: 'SUCCESS' as const };
    const recorder = createReportRecorder();
    recorder.record('client', { initialize: [ok] });
    recorder.record('client', { tools_call: [ok] });
    recorder.writeTo(undefined, 'ignored');
    recorder.writeTo(dir, 'clients');
    expect(readFileSync(join(dir, 'clients.md'), 'utf8')).toBe(
      '| scenario | client |\n| --- | --- |\n| initialize | ✅ 1 |\n| tools_call | ✅ 1 |\n',
    );
  });
});
