import { z } from 'zod';

/** Outcome of one conformance check as the suite records it in checks.json. */
export type CheckStatus = 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';

/** One check of one scenario. */
export interface ConformanceCheck {
  readonly id: string;
  readonly name: string;
  readonly status: CheckStatus;
  readonly description: string;
  readonly errorMessage?: string | undefined;
}

/** Per-scenario counts from the suite's summary lines. */
export interface ScenarioSummary {
  readonly passed: number;
  readonly failed: number;
}

/** Totals and per-scenario results parsed from the suite's console output. */
export interface SuiteSummary {
  readonly passed: number;
  readonly failed: number;
  readonly scenarios: Readonly<Record<string, ScenarioSummary>>;
  readonly expectedFailures: readonly string[];
  readonly unexpectedFailures: readonly string[];
  readonly staleEntries: readonly string[];
}

// eslint-disable-next-line no-control-regex -- the suite colours its output with ANSI escapes
const ANSI_PATTERN = /\u001b\[[0-9;]*m/g;
const TOTAL_PATTERN = /^Total: (\d+) passed, (\d+) failed/m;
const SINGLE_PATTERN = /^Passed: (\d+)\/(\d+), (\d+) failed/m;
const SCENARIO_PATTERN = /^[✓✗] ([\w/.-]+): (\d+) passed, (\d+) failed/gm;
const MAX_SCENARIOS = 500;

const checkSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['SUCCESS', 'FAILURE', 'WARNING', 'INFO', 'SKIPPED']),
  description: z.string(),
  errorMessage: z.string().optional(),
});

/** Removes ANSI colour escapes. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}

/** Parses the contents of one checks.json file; throws on anything that is not an array of checks. */
export function parseChecks(json: string): ConformanceCheck[] {
  const value: unknown = JSON.parse(json);
  return z.array(checkSchema).parse(value);
}

/** True when a scenario counts as failed under the suite's baseline rule (any FAILURE or WARNING). */
export function scenarioFailed(checks: readonly ConformanceCheck[]): boolean {
  return checks.some((c) => c.status === 'FAILURE' || c.status === 'WARNING');
}

function listAfter(output: string, heading: string): string[] {
  const start = output.indexOf(heading);
  if (start < 0) return [];
  const names: string[] = [];
  for (const line of output
    .slice(start + heading.length)
    .split('\n')
    .slice(1)) {
    const match = /^ {2}[~✓✗] (\S+)$/.exec(line);
    if (!match?.[1]) break;
    names.push(match[1]);
  }
  return names;
}

/**
 * Parses `Total: N passed, M failed` (suite runs) or `Passed: N/D, M failed` (single scenario), the
 * per-scenario summary lines and the baseline report; throws when no summary line is present.
 */
export function parseSuiteOutput(rawOutput: string, singleScenario?: string): SuiteSummary {
  const output = stripAnsi(rawOutput);
  const scenarios: Record<string, ScenarioSummary> = {};
  let count = 0;
  for (const match of output.matchAll(SCENARIO_PATTERN)) {
    if (++count > MAX_SCENARIOS) break;
    const [, name, passed, failed] = match;
    if (name) scenarios[name] = { passed: Number(passed), failed: Number(failed) };
  }
  const total = TOTAL_PATTERN.exec(output);
  let passed: number;
  let failed: number;
  if (total) {
    passed = Number(total[1]);
    failed = Number(total[2]);
  } else {
    const single = SINGLE_PATTERN.exec(output);
    if (!single) throw new Error('conformance output has no summary line');
    passed = Number(single[1]);
    failed = Number(single[3]);
    if (singleScenario !== undefined) scenarios[singleScenario] = { passed, failed };
  }
  return {
    passed,
    failed,
    scenarios,
    expectedFailures: listAfter(output, 'Expected failures (in baseline):'),
    unexpectedFailures: listAfter(output, 'Unexpected failures (not in baseline):'),
    staleEntries: listAfter(output, 'Stale baseline entries (now passing - remove from baseline):'),
  };
}
