import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConformanceCheck } from './parse-output.js';

/** One target's per-scenario checks, under a column label. */
export interface ReportColumn {
  readonly label: string;
  readonly checks: Readonly<Record<string, readonly ConformanceCheck[]>>;
}

const MAX_MESSAGE_CHARS = 120;

function cell(checks: readonly ConformanceCheck[] | undefined): string {
  if (checks === undefined) return '–';
  const failures = checks.filter((c) => c.status === 'FAILURE');
  const warnings = checks.filter((c) => c.status === 'WARNING');
  const passed = checks.filter((c) => c.status === 'SUCCESS').length;
  if (failures.length === 0 && warnings.length === 0) return `✅ ${passed}`;
  const first = failures[0] ?? warnings[0];
  const message = (first?.errorMessage ?? first?.description ?? '')
    .replace(/\s+/g, ' ')
    .replace(/\|/g, '\\|');
  const mark = failures.length > 0 ? '❌' : '⚠️';
  return `${mark} ${message.slice(0, MAX_MESSAGE_CHARS)}`;
}

/** Renders a Markdown table: one row per scenario, one column per target. */
export function formatReport(columns: readonly ReportColumn[]): string {
  const scenarios: string[] = [];
  for (const column of columns) {
    for (const name of Object.keys(column.checks)) if (!scenarios.includes(name)) scenarios.push(name);
  }
  const header = `| scenario | ${columns.map((c) => c.label).join(' | ')} |`;
  const rule = `| --- | ${columns.map(() => '---').join(' | ')} |`;
  const rows = scenarios.map(
    (name) => `| ${name} | ${columns.map((c) => cell(c.checks[name])).join(' | ')} |`,
  );
  return [header, rule, ...rows].join('\n');
}

/** Collects columns test by test; runs of the same label merge into one column. */
export interface ReportRecorder {
  record(this: void, label: string, checks: Readonly<Record<string, readonly ConformanceCheck[]>>): void;
  /** Writes the table to `dir/name.md` when `dir` is set (e.g. from CONFORMANCE_REPORT_DIR). */
  writeTo(this: void, dir: string | undefined, name: string): void;
}

/** Creates a {@link ReportRecorder}. */
export function createReportRecorder(): ReportRecorder {
  const columns: ReportColumn[] = [];
  return {
    record(label, checks) {
      const index = columns.findIndex((c) => c.label === label);
      const previous = columns[index];
      if (previous) columns[index] = { label, checks: { ...previous.checks, ...checks } };
      else columns.push({ label, checks });
    },
    writeTo(dir, name) {
      if (dir) writeFileSync(join(dir, `${name}.md`), `${formatReport(columns)}\n`);
    },
  };
}
