import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import { Command, InvalidArgumentError, Option } from 'commander';
import { AUDIT_DECISIONS, AUDIT_STATUSES, type AuditRecord } from '../audit/record.js';
import { verifyAudit } from '../audit/verify.js';
import { loadConfig, storePath } from '../config/index.js';
import { isWardenError, publicMessage, WardenError } from '../errors/index.js';
import {
  iterateAuditRecords,
  searchAuditRecords,
  tailAuditRecords,
  type AuditSearchFilter,
} from '../store/sqlite/audit-queries.js';
import { openSqlite } from '../store/sqlite/open.js';

/** How the audit commands talk to the outside world; tests pass their own. */
export interface AuditCliIo {
  write(text: string): void;
  writeError(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Ends `tail --follow`. */
  signal?: AbortSignal | undefined;
  /** Receives each command's exit code (the CLI entry decides when to exit). */
  setExitCode(code: number): void;
}

/** Where the store is: an explicit file, or the one the config names. */
export interface StoreOptions {
  config?: string | undefined;
  db?: string | undefined;
}

/** Exit codes: 0 success, 1 verification failed, 2 usage, configuration or store error. */
export const EXIT_OK = 0;
export const EXIT_VERIFY_FAILED = 1;
export const EXIT_USAGE = 2;
/** How often `tail --follow` looks for new records. */
export const FOLLOW_POLL_MS = 500;
const DEFAULT_CONFIG_FILE = 'warden.yaml';

const defaultIo: AuditCliIo = {
  write: (text) => void process.stdout.write(text),
  writeError: (text) => void process.stderr.write(text),
  env: process.env,
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

/** `warden audit …`: tail, search, verify and export the audit log. */
export function auditCommand(io: Partial<AuditCliIo> = {}): Command {
  const cli: AuditCliIo = { ...defaultIo, ...io };
  const run = (task: () => Promise<number> | number) => async (): Promise<void> =>
    cli.setExitCode(await guarded(task, cli));
  const audit = new Command('audit').description('Inspect and verify the tamper-evident audit log.');
  const withStore = (c: Command): Command =>
    c
      .option('--config <file>', 'warden.yaml naming the store', DEFAULT_CONFIG_FILE)
      .option('--db <file>', 'SQLite store file (overrides --config)');

  const tail = withStore(
    new Command('tail').description('Print the last records; -f keeps printing new ones.'),
  )
    .option('-n, --lines <n>', 'how many records', parseCount, 20)
    .option('-f, --follow', 'keep printing records as they are committed', false)
    .option('--json', 'one JSON object per line', false);
  tail.action(run(() => auditTail(tail.opts<TailOptions>(), cli)));

  const search = withStore(
    new Command('search').description(
      'Find records by principal, tool, decision, status, time or correlation id.',
    ),
  )
    .option('--principal <id>', 'principal id')
    .option('--tool <name>', 'tool, resource or prompt name')
    .addOption(new Option('--decision <d>', 'decision').choices(AUDIT_DECISIONS))
    .addOption(new Option('--status <s>', 'result status').choices(AUDIT_STATUSES))
    .option('--since <iso>', 'from this time (inclusive)', parseTime)
    .option('--until <iso>', 'until this time (exclusive)', parseTime)
    .option('--correlation <id>', 'correlation id')
    .option('--limit <n>', 'most records printed', parseCount, 1000)
    .option('--json', 'one JSON object per line', false);
  search.action(run(() => auditSearch(search.opts<SearchOptions>(), cli)));

  const verify = withStore(
    new Command('verify').description('Check the hash chain, seals and retention anchor.'),
  )
    .option(
      '--seal-key-env <name>',
      'environment variable holding the seal key (default: audit.sealKey of the config)',
    )
    .option('--json', 'print the result as JSON', false);
  verify.action(run(() => auditVerify(verify.opts<VerifyOptions>(), cli)));

  const exportCmd = withStore(new Command('export').description('Write every record as JSON lines or CSV.'))
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'csv']).default('jsonl'))
    .option('--out <file>', 'write to this file (mode 0600) instead of stdout');
  exportCmd.action(run(() => auditExport(exportCmd.opts<ExportOptions>(), cli)));

  for (const c of [audit, tail, search, verify, exportCmd]) {
    c.configureOutput({ writeOut: (t) => cli.write(t), writeErr: (t) => cli.writeError(t) });
  }
  return audit.addCommand(tail).addCommand(search).addCommand(verify).addCommand(exportCmd);
}

/** Options of `audit tail`. */
export interface TailOptions extends StoreOptions {
  lines: number;
  follow: boolean;
  json: boolean;
}

/** Prints the last records, then (with follow) new ones until the signal aborts. */
export async function auditTail(options: TailOptions, io: AuditCliIo): Promise<number> {
  return withDb(options, io, async (db) => {
    let last = 0;
    for (const r of tailAuditRecords(db, options.lines)) {
      io.write(formatRecord(r, options.json));
      last = r.seq;
    }
    if (!options.follow) return EXIT_OK;
    if (last === 0) last = lastSeq(db);
    const aborted = (): boolean => io.signal?.aborted === true;
    while (!aborted()) {
      try {
        await delay(FOLLOW_POLL_MS, undefined, { signal: io.signal });
      } catch (error) {
        if (aborted()) break;
        throw error;
      }
      for (const r of searchAuditRecords(db, { afterSeq: last })) {
        io.write(formatRecord(r, options.json));
        last = r.seq;
      }
    }
    return EXIT_OK;
  });
}

/** Options of `audit search`. */
export interface SearchOptions extends StoreOptions {
  principal?: string;
  tool?: string;
  decision?: AuditSearchFilter['decision'];
  status?: AuditSearchFilter['status'];
  since?: number;
  until?: number;
  correlation?: string;
  limit: number;
  json: boolean;
}

/** Prints the records matching every given filter, oldest first. */
export async function auditSearch(options: SearchOptions, io: AuditCliIo): Promise<number> {
  return withDb(options, io, (db) => {
    const filter: AuditSearchFilter = {
      principal: options.principal,
      name: options.tool,
      decision: options.decision,
      status: options.status,
      since: options.since,
      until: options.until,
      correlationId: options.correlation,
      limit: options.limit,
    };
    for (const r of searchAuditRecords(db, filter)) io.write(formatRecord(r, options.json));
    return EXIT_OK;
  });
}

/** Options of `audit verify`. */
export interface VerifyOptions extends StoreOptions {
  sealKeyEnv?: string;
  json: boolean;
}

/** Verifies the chain; exit 0 when intact, 1 naming the first bad record. */
export async function auditVerify(options: VerifyOptions, io: AuditCliIo): Promise<number> {
  const store = await resolveStore(options, io.env);
  let sealKey = store.sealKey;
  if (options.sealKeyEnv !== undefined) {
    sealKey = io.env[options.sealKeyEnv];
    if (sealKey === undefined || sealKey === '') {
      io.writeError(`environment variable ${options.sealKeyEnv} is not set\n`);
      return EXIT_USAGE;
    }
  }
  const result = await verifyAudit(store.file, { sealKey });
  if (options.json) io.write(`${JSON.stringify(result)}\n`);
  else if (result.ok) {
    const seals = result.sealsAuthenticated
      ? `${result.seals} seals authenticated`
      : `${result.seals} seals (not authenticated: no key)`;
    io.write(
      `ok: ${result.records} records (${result.anchorSeq + 1}..${result.lastSeq}), ${seals}, ${result.unsealedRecords} unsealed\n`,
    );
  } else {
    io.write(`FAILED at record ${result.firstBad?.seq}: ${result.firstBad?.reason}\n`);
  }
  return result.ok ? EXIT_OK : EXIT_VERIFY_FAILED;
}

/** Options of `audit export`. */
export interface ExportOptions extends StoreOptions {
  format: 'jsonl' | 'csv';
  out?: string;
}

/** Streams every record as JSON lines or CSV to stdout or a file. */
export async function auditExport(options: ExportOptions, io: AuditCliIo): Promise<number> {
  return withDb(options, io, async (db) => {
    const file = options.out === undefined ? undefined : createWriteStream(options.out, { mode: 0o600 });
    const write = async (text: string): Promise<void> => {
      if (file === undefined) io.write(text);
      else if (!file.write(text)) await once(file, 'drain');
    };
    if (options.format === 'csv') await write(`${EXPORT_FIELDS.join(',')}\n`);
    for (const r of iterateAuditRecords(db))
      await write(options.format === 'csv' ? csvLine(r) : `${JSON.stringify(exportable(r))}\n`);
    if (file) {
      file.end();
      await once(file, 'finish');
    }
    return EXIT_OK;
  });
}

const EXPORT_FIELDS = [
  'seq',
  'time',
  'correlationId',
  'principal',
  'authMethod',
  'clientAddress',
  'sessionId',
  'upstream',
  'method',
  'name',
  'argsDigest',
  'args',
  'decision',
  'rule',
  'status',
  'errorCode',
  'durationMs',
  'requestBytes',
  'responseBytes',
  'prevHash',
  'hash',
] as const satisfies readonly (keyof AuditRecord)[];

function exportable(r: AuditRecord): Record<string, unknown> {
  return { ...r, timeIso: new Date(r.time).toISOString(), args: parseArgs(r.args) };
}

function parseArgs(args: string | null): unknown {
  if (args === null) return null;
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args;
  }
}

function csvLine(r: AuditRecord): string {
  return `${EXPORT_FIELDS.map((f) => csvCell(r[f])).join(',')}\n`;
}

/** RFC 4180 quoting, and a leading quote on text a spreadsheet would run as a formula (CSV injection). */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One record as a line: JSON, or columns for people. */
export function formatRecord(r: AuditRecord, json: boolean): string {
  if (json) return `${JSON.stringify(exportable(r))}\n`;
  const parts = [
    new Date(r.time).toISOString(),
    `#${r.seq}`,
    r.principal,
    r.authMethod,
    r.method,
    r.name ?? '-',
    r.decision,
    r.status + (r.errorCode === null ? '' : `:${r.errorCode}`),
    `${r.durationMs}ms`,
    r.correlationId,
  ];
  if (r.rule !== null) parts.push(`rule=${r.rule}`);
  return `${parts.map(printable).join(' ')}\n`;
}

/** Stored text is attacker-influenced: strip control characters so it cannot drive the terminal. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

async function withDb(
  options: StoreOptions,
  io: AuditCliIo,
  task: (db: Database.Database) => Promise<number> | number,
): Promise<number> {
  const store = await resolveStore(options, io.env);
  let db: Database.Database;
  try {
    db = openSqlite(store.file, [], { readonly: true });
  } catch (cause) {
    throw new WardenError('STORE_UNAVAILABLE', `cannot open the audit store ${store.file}`, { cause });
  }
  try {
    return await task(db);
  } finally {
    db.close();
  }
}

/** The store file and configured seal key from --db or --config. */
export async function resolveStore(
  options: StoreOptions,
  env: NodeJS.ProcessEnv,
): Promise<{ file: string; sealKey?: string }> {
  if (options.db !== undefined) return { file: options.db };
  const config = await loadConfig(options.config ?? DEFAULT_CONFIG_FILE, env);
  const sealKey = config.audit.sealKey;
  return sealKey === undefined ? { file: storePath(config) } : { file: storePath(config), sealKey };
}

function lastSeq(db: Database.Database): number {
  const row: unknown = db.prepare('SELECT max(seq) AS v FROM audit_records').get();
  const v = typeof row === 'object' && row !== null ? (row as { v?: unknown }).v : undefined;
  return typeof v === 'number' ? v : 0;
}

async function guarded(task: () => Promise<number> | number, io: AuditCliIo): Promise<number> {
  try {
    return await task();
  } catch (error) {
    io.writeError(`${isWardenError(error) ? error.message : publicMessage(error)}\n`);
    return EXIT_USAGE;
  }
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000)
    throw new InvalidArgumentError('must be a whole number from 0 to 1000000');
  return n;
}

function parseTime(value: string): number {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidArgumentError('must be an ISO 8601 time');
  return t;
}
