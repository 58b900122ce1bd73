import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBaseline, scenarioOutcomes } from './outcome.js';

const check = (id: string, status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO') => ({
  id,
  name: id,
  description: 'd',
  status,
});

describe('scenarioOutcomes', () => {
  it('maps passing scenarios to pass and others to their failing check ids, minus exclusions', () => {
    expect(
      scenarioOutcomes(
        {
          ping: [check('ping', 'SUCCESS'), check('note', 'INFO')],
          dns: [check('ok', 'SUCCESS'), check('evil', 'FAILURE'), check('slow', 'WARNING')],
          skipped: [check('x', 'FAILURE')],
        },
        ['skipped'],
      ),
    ).toEqual({ ping: 'pass', dns: 'FAILURE evil; WARNING slow' });
  });
});

describe('readBaseline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baseline-'));
  const write = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('reads the server list, or the client list', () => {
    const file = write('ok.yml', 'server:\n  - ping\n  - 42\nclient: [x]\n');
    expect(readBaseline(file)).toEqual(['ping', '42']);
    expect(readBaseline(file, 'client')).toEqual(['x']);
  });

  it('rejects files without a server list', () => {
    expect(() => readBaseline(write('client.yml', 'client: [x]\n'))).toThrow('no server list');
    expect(() => readBaseline(write('scalar.yml', 'server: ping\n'))).toThrow('no server list');
    expect(() => readBaseline(write('empty.yml', ''))).toThrow('no server list');
    expect(() => readBaseline(write('server-only.yml', 'server: []\n'), 'client')).toThrow('no client list');
  });
});
