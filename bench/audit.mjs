// B4 and B6 (audit part): durable append throughput and latency, and `warden audit verify` speed, against dist/.
//   node bench/audit.mjs [--quick] [--records N]
// Prints one JSON object (last line): recordsPerS (sustained, durable), addedP99Ms (from falling due to commit, at a
// paced rate after a warm-up, the latency a call waits for its record), saturated latencies, and verifyRecordsPerS over ≥ 1M
// records (200k with --quick); for comparison, in the same run, the paced loop's own latency with a no-op append
// (loopFloorP50Ms, loopFloorP99Ms) and the disk's own fdatasync latency (diskFlushP50Ms, diskFlushP99Ms: one
// page rewritten; diskAppendFlushP50Ms, diskAppendFlushP99Ms: five pages appended). Every store lives in a fresh directory under the OS temp dir, removed afterwards.
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import console from 'node:console';
import { URL } from 'node:url';

const DIST = new URL('../dist/', import.meta.url);
const { openAuditLog, verifyAudit } = await import(new URL('audit/index.js', DIST).href);
const { openSqlite } = await import(new URL('store/sqlite/open.js', DIST).href);
const { AUDIT_MIGRATIONS } = await import(new URL('store/sqlite/audit-schema.js', DIST).href);
const { createAuditWriter } = await import(new URL('store/sqlite/audit-writer.js', DIST).href);
const { prepareRecord } = await import(new URL('audit/prepare.js', DIST).href);
const { normaliseRecord } = await import(new URL('audit/record.js', DIST).href);
const { createRedactor } = await import(new URL('audit/redact.js', DIST).href);

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, records: { type: 'string' } },
});
const QUICK = values.quick;
const SUSTAIN_MS = QUICK ? 2_000 : 10_000;
const WARMUP_MS = QUICK ? 300 : 2_000;
const IN_FLIGHT = 4096;
const PACED_RATE_PER_S = 10_000;
const PACED_MS = QUICK ? 1_000 : 5_000;
/** Paced records appended but not measured first (the log's first batches start its checkpoint thread, JIT warms up). */
const PACED_WARMUP_MS = QUICK ? 300 : 1_000;
const VERIFY_RECORDS = values.records ? Number(values.records) : QUICK ? 200_000 : 1_000_000;
const SEAL_KEY = 'bench-seal-key';
const DISK_FLUSHES = QUICK ? 500 : 2000;

/** A typical tools/call record (~100-byte arguments). */
function record(i) {
  return {
    time: Date.now(),
    correlationId: `bench-${i}`,
    principal: 'bench',
    authMethod: 'api-key',
    clientAddress: '127.0.0.1',
    sessionId: 'session-bench',
    method: 'tools/call',
    name: 'echo',
    args: { message: `hello ${i}`, path: '/workspace/notes/today.md', options: { mode: 'r' } },
    decision: 'allow',
    rule: 'rules[0]',
    status: 'ok',
    durationMs: 0.2,
    requestBytes: 110,
    responseBytes: 140,
  };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Closed loop: IN_FLIGHT appends outstanding at all times; returns committed records/s and latencies. */
async function sustained(dir) {
  const log = await openAuditLog({ file: join(dir, 'sustained.db'), sealKey: SEAL_KEY });
  let i = 0;
  let measuring = false;
  let stop = false;
  let committed = 0;
  const latencies = [];
  let outstanding = 0;
  let settled;
  const done = new Promise((resolve) => (settled = resolve));
  const one = () => {
    if (stop) {
      if (outstanding === 0) settled();
      return;
    }
    const start = performance.now();
    outstanding++;
    log.append(record(i++)).then(
      () => {
        outstanding--;
        if (measuring) {
          committed++;
          latencies.push(performance.now() - start);
        }
        one();
      },
      (error) => {
        console.error(String(error));
        process.exitCode = 1;
        stop = true;
        outstanding--;
      },
    );
  };
  for (let k = 0; k < IN_FLIGHT; k++) one();
  await delay(WARMUP_MS);
  measuring = true;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await delay(SUSTAIN_MS);
  measuring = false;
  const cpu = process.cpuUsage(cpu0);
  const elapsedS = (performance.now() - t0) / 1000;
  stop = true;
  await done;
  const stats = log.stats();
  await log.close();
  latencies.sort((a, b) => a - b);
  return {
    recordsPerS: Math.round(committed / elapsedS),
    records: committed,
    batches: stats.batches,
    // CPU of the whole process (main thread and writer) per committed record: steadier than rates on a busy host.
    cpuMicrosPerRecord: Math.round(((cpu.user + cpu.system) / committed) * 100) / 100,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/** Open loop at PACED_RATE_PER_S: the wait a call's reply spends on its own record. */
async function paced(dir) {
  const log = await openAuditLog({ file: join(dir, 'paced.db'), sealKey: SEAL_KEY });
  const result = await pacedLoop((i) => log.append(record(i)));
  await log.close();
  return result;
}

/**
 * The same open loop with an "append" that resolves on the next turn of the event loop: what the loop itself
 * measures when nothing is written (timer lateness, scheduling stalls of this 2-core VM), for comparison.
 */
function pacedFloor() {
  return pacedLoop(() => new Promise((resolve) => setImmediate(resolve)));
}

async function pacedLoop(append) {
  const latencies = [];
  const pending = [];
  const tickMs = 1;
  const t0 = performance.now();
  let sent = 0;
  let measured = 0;
  let expectedWake = t0;
  while (performance.now() - t0 < PACED_WARMUP_MS + PACED_MS) {
    // A tick that wakes late was held up by work on the event loop (a commit): the records that fell due meanwhile
    // are charged from when they fell due, so that blocking the loop cannot hide as a later start (coordinated
    // omission). The timer's own lateness is charged too, in this loop and in the floor's: conservative.
    const wake = performance.now();
    const lateness = Math.max(0, wake - expectedWake);
    const due = Math.floor(((wake - t0) / 1000) * PACED_RATE_PER_S);
    for (; sent < due; sent++) {
      const dueAt = t0 + (sent / PACED_RATE_PER_S) * 1000;
      const start = Math.max(dueAt, performance.now() - lateness);
      const done = append(sent);
      if (start - t0 < PACED_WARMUP_MS) pending.push(done);
      else {
        measured++;
        pending.push(done.then(() => latencies.push(performance.now() - start)));
      }
    }
    expectedWake = performance.now() + tickMs;
    await delay(tickMs);
  }
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  return {
    ratePerS: PACED_RATE_PER_S,
    records: measured,
    warmupMs: PACED_WARMUP_MS,
    perTick: PACED_RATE_PER_S / 1000,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/**
 * The disk's own flush latency, for comparison with the p99 that audit adds, two ways, DISK_FLUSHES times each:
 * rewrite one 4 KiB page of a file and fdatasync it (what each durable batch costs at the least), and append
 * five pages and fdatasync them (what a batch of a few records costs the write-ahead log: a page of each B-tree).
 */
function diskFlush(dir, { pages = 1, append = false } = {}) {
  const fd = openSync(join(dir, 'flush.probe'), 'w');
  const page = Buffer.alloc(4096, 1);
  const latencies = [];
  let written = 0; // pages written so far; a rewrite cycles over the first 64
  try {
    for (let i = 0; i < DISK_FLUSHES; i++) {
      for (let p = 0; p < pages; p++, written++) {
        writeSync(fd, page, 0, page.length, (append ? written : written % 64) * page.length);
      }
      const start = performance.now();
      fdatasyncSync(fd);
      latencies.push(performance.now() - start);
    }
  } finally {
    closeSync(fd);
  }
  latencies.sort((a, b) => a - b);
  return {
    flushes: DISK_FLUSHES,
    pages,
    append,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/** Builds VERIFY_RECORDS sealed records with the real writer (bulk, fsync off), then times verify. */
async function verifySpeed(dir) {
  const file = join(dir, 'verify.db');
  const db = openSqlite(file, AUDIT_MIGRATIONS, { synchronous: 'NORMAL' });
  db.pragma('synchronous = OFF');
  const writer = createAuditWriter(db, { sealKey: SEAL_KEY, sealEveryRecords: 1000 });
  const redactor = createRedactor();
  const batch = Array.from({ length: 1000 }, (_, k) => prepareRecord(normaliseRecord(record(k)), redactor));
  const tb = performance.now();
  for (let n = 0; n < VERIFY_RECORDS; n += batch.length) writer.appendBatch(batch, Date.now());
  const buildS = (performance.now() - tb) / 1000;
  db.close();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await verifyAudit(file, { sealKey: SEAL_KEY });
  const cpu = process.cpuUsage(cpu0);
  const elapsedS = (performance.now() - t0) / 1000;
  if (!result.ok) throw new Error(`verify failed: ${JSON.stringify(result.firstBad)}`);
  return {
    records: result.records,
    seals: result.seals,
    seconds: elapsedS,
    recordsPerS: Math.round(result.records / elapsedS),
    buildRecordsPerS: Math.round(result.records / buildS),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'warden-audit-bench-'));
try {
  const sat = await sustained(dir);
  const pace = await paced(dir);
  const floor = await pacedFloor();
  const disk = diskFlush(dir);
  const diskAppend = diskFlush(dir, { pages: 5, append: true });
  const ver = await verifySpeed(dir);
  const out = {
    target: 'B4/B6-audit',
    quick: QUICK,
    recordsPerS: sat.recordsPerS,
    addedP50Ms: pace.p50Ms,
    addedP99Ms: pace.p99Ms,
    pacedRatePerS: pace.ratePerS,
    loopFloorP50Ms: floor.p50Ms,
    loopFloorP99Ms: floor.p99Ms,
    diskFlushP50Ms: disk.p50Ms,
    diskFlushP99Ms: disk.p99Ms,
    diskAppendFlushP50Ms: diskAppend.p50Ms,
    diskAppendFlushP99Ms: diskAppend.p99Ms,
    saturatedP50Ms: sat.p50Ms,
    saturatedP99Ms: sat.p99Ms,
    sustained: sat,
    verifyRecordsPerS: ver.recordsPerS,
    verify: ver,
    cpus: (await import('node:os')).availableParallelism(),
    loadavg: (await import('node:os')).loadavg(),
  };
  console.log(JSON.stringify(out));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
