import { parentPort, workerData } from 'node:worker_threads';
import { AUDIT_MIGRATIONS } from '../store/sqlite/audit-schema.js';
import { createAuditWriter } from '../store/sqlite/audit-writer.js';
import { openSqlite } from '../store/sqlite/open.js';
import type { NormalisedRecord } from './record.js';
import { prepareRecord } from './prepare.js';
import { createRedactor } from './redact.js';
import type { WriterReply, WriterRequest, WriterSettings } from './writer-protocol.js';

// The entry of the audit writer thread: it owns its own connection so that fsync never blocks the event loop.
const port = parentPort;
if (port === null) throw new Error('writer-worker must run in a worker thread');
const settings = workerData as WriterSettings;
// FULL syncs the WAL at every commit (power-loss durable); NORMAL leaves the sync to checkpoints (crash durable).
const db = openSqlite(settings.file, AUDIT_MIGRATIONS, {
  synchronous: settings.durability === 'os' ? 'NORMAL' : 'FULL',
});
// The writer only appends: a small page cache keeps its memory flat over millions of records (B3).
db.pragma('cache_size = -512');
const writer = createAuditWriter(db, settings);
const redactor = createRedactor({ patterns: settings.redactPatterns });
const reply = (message: WriterReply): void => port.postMessage(message);
const failure = (error: unknown): string => (error instanceof Error ? error.message : 'audit writer failed');

writer.prune(Date.now());
const pruneTimer =
  settings.retentionDays === undefined ? undefined : setInterval(() => runPrune(), settings.pruneIntervalMs);
pruneTimer?.unref();

function runPrune(): number {
  return writer.prune(Date.now());
}

port.on('message', (message: WriterRequest) => {
  try {
    if (message.type === 'append') {
      // Written by this process's own main thread (audit-log.ts) from normalised records.
      const records = JSON.parse(message.json) as NormalisedRecord[];
      const head = writer.appendBatch(
        records.map((r) => prepareRecord(r, redactor)),
        Date.now(),
      );
      reply({ type: 'ack', id: message.id, seq: head.seq, count: records.length });
    } else if (message.type === 'prune') {
      reply({ type: 'ack', id: message.id, seq: writer.head().seq, count: runPrune() });
    } else {
      writer.sealHead(Date.now());
      if (pruneTimer) clearInterval(pruneTimer);
      db.close();
      reply({ type: 'ack', id: message.id, seq: writer.head().seq, count: 0 });
      port.close();
    }
  } catch (error) {
    reply({ type: 'fail', id: message.id, message: failure(error) });
  }
});

reply({ type: 'ready', seq: writer.head().seq });
