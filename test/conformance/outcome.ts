import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { ConformanceCheck } from './parse-output.js';

/** Scenarios of the suite's pending set (only in `--suite all`) in @modelcontextprotocol/conformance@0.1.13. */
export const PENDING_SCENARIOS = ['json-schema-2020-12', 'server-sse-polling'] as const;
/** Size of the suite's active set in @modelcontextprotocol/conformance@0.1.13. */
export const ACTIVE_SCENARIO_COUNT = 30;

/**
 * Each scenario as `pass` or its failing and warning check ids (`FAILURE id; WARNING id`), so that two runs
 * compare with one toEqual and a difference reads as a diff of check ids.
 */
export function scenarioOutcomes(
  checks: Readonly<Record<string, readonly ConformanceCheck[]>>,
  exclude: readonly string[] = [],
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, list] of Object.entries(checks)) {
    if (exclude.includes(name)) continue;
    const bad = list.filter((c) => c.status === 'FAILURE' || c.status === 'WARNING');
    result[name] = bad.length === 0 ? 'pass' : bad.map((c) => `${c.status} ${c.id}`).join('; ');
  }
  return result;
}

/** Reads the `server:` (or `client:`) list of an expected-failures baseline file; throws when it has none. */
export function readBaseline(file: string, mode: 'server' | 'client' = 'server'): string[] {
  const value: unknown = parseYaml(readFileSync(file, 'utf8'));
  const list: unknown =
    typeof value === 'object' && value !== null && mode in value ? Reflect.get(value, mode) : undefined;
  if (!Array.isArray(list)) throw new Error(`${file}: no ${mode} list`);
  return list.map(String);
}
