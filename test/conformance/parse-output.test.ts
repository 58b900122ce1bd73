import { describe, expect, it } from 'vitest';
import { parseChecks, parseSuiteOutput, scenarioFailed, stripAnsi } from './parse-output.js';

const RED = '\u001b[31m';
const RESET = '\u001b[0m';

const SUITE_OUTPUT = [
  'Running active suite (3 scenarios) against http://127.0.0.1:1/mcp',
  '',
  '=== SUMMARY ===',
  '✓ server-initialize: 1 passed, 0 failed',
  '✗ tools-call-image: 0 passed, 1 failed',
  '✗ dns-rebinding-protection: 1 passed, 1 failed',
  '',
  'Total: 2 passed, 2 failed',
  '',
  `\u001b[33mExpected failures (in baseline):${RESET}`,
  '  ~ tools-call-image',
  '',
  `${RED}Stale baseline entries (now passing - remove from baseline):${RESET}`,
  '  ✓ server-initialize',
  '',
  `${RED}Unexpected failures (not in baseline):${RESET}`,
  '  ✗ dns-rebinding-protection',
  '',
  `${RED}Unexpected failures detected: these scenarios are not in your expected-failures baseline.${RESET}`,
].join('\n');

describe('parseSuiteOutput', () => {
  it('reads totals, per-scenario lines and the three baseline lists', () => {
    expect(parseSuiteOutput(SUITE_OUTPUT)).toEqual({
      passed: 2,
      failed: 2,
      scenarios: {
        'server-initialize': { passed: 1, failed: 0 },
        'tools-call-image': { passed: 0, failed: 1 },
        'dns-rebinding-protection': { passed: 1, failed: 1 },
      },
      expectedFailures: ['tools-call-image'],
      staleEntries: ['server-initialize'],
      unexpectedFailures: ['dns-rebinding-protection'],
    });
  });

  it('reads the single-scenario summary and files it under the scenario name', () => {
    const output = `Checks:\n...\n\nTest Results:\nPassed: 4/5, 1 failed, 2 warnings\n`;
    expect(parseSuiteOutput(output, 'json-schema-2020-12')).toEqual({
      passed: 4,
      failed: 1,
      scenarios: { 'json-schema-2020-12': { passed: 4, failed: 1 } },
      expectedFailures: [],
      staleEntries: [],
      unexpectedFailures: [],
    });
  });

  it('throws when the output has no summary line (a crashed or killed suite)', () => {
    expect(() => parseSuiteOutput('Server test error: Error: connect ECONNREFUSED 127.0.0.1:1')).toThrow(
      'conformance output has no summary line',
    );
    expect(() => parseSuiteOutput('')).toThrow('conformance output has no summary line');
  });

  it('does not take a scenario name from lines that merely look like summaries', () => {
    const output =
      'log: ✓ evil name with spaces: 1 passed, 0 failed\n✓ ok: 1 passed, 0 failed\nTotal: 1 passed, 0 failed';
    expect(parseSuiteOutput(output).scenarios).toEqual({ ok: { passed: 1, failed: 0 } });
  });
});

describe('parseChecks', () => {
  it('parses a checks.json array and drops unknown fields', () => {
    const json = JSON.stringify([
      { id: 'ping', name: 'Ping', description: 'd', status: 'SUCCESS', timestamp: 't', details: { a: 1 } },
      { id: 'x', name: 'X', description: 'e', status: 'WARNING', errorMessage: 'slow' },
    ]);
    expect(parseChecks(json)).toEqual([
      { id: 'ping', name: 'Ping', description: 'd', status: 'SUCCESS' },
      { id: 'x', name: 'X', description: 'e', status: 'WARNING', errorMessage: 'slow' },
    ]);
  });

  it('rejects malformed files', () => {
    expect(() => parseChecks('{"id":"ping"}')).toThrow();
    expect(() => parseChecks('[{"id":"ping","name":"P","description":"d","status":"MAYBE"}]')).toThrow();
    expect(() => parseChecks('not json')).toThrow(SyntaxError);
  });
});

describe('scenarioFailed', () => {
  const check = (status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO') => ({
    id: 'c',
    name: 'C',
    description: 'd',
    status,
  });

  it('counts warnings as failures, as the suite’s baseline rule does', () => {
    expect(scenarioFailed([check('SUCCESS'), check('INFO')])).toBe(false);
    expect(scenarioFailed([check('SUCCESS'), check('WARNING')])).toBe(true);
    expect(scenarioFailed([check('FAILURE')])).toBe(true);
    expect(scenarioFailed([])).toBe(false);
  });
});

describe('stripAnsi', () => {
  it('removes colour escapes only', () => {
    expect(stripAnsi(`${RED}✗ a${RESET} b`)).toBe('✗ a b');
  });
});
