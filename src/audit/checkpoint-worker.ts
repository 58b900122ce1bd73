import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

// The entry of the audit log's checkpoint thread: folds the write-ahead log back into the database on its own
// connection, often and in small steps, so that the writer on the main thread never runs a checkpoint itself and
// the log restarts from its beginning (overwriting, not growing, the WAL file) whenever the writer pauses.
interface CheckpointJob {
  file: string;
  intervalMs: number;
}

/** Passes per tick: a pass that did not reach the end of the log is repeated at once, up to this many times. */
const PASSES_PER_TICK = 4;

const job = workerData as CheckpointJob;
const db = new Database(job.file, { fileMustExist: true });
// Never wait for a lock: a busy checkpoint simply runs again on the next tick.
db.pragma('busy_timeout = 0');
db.pragma('synchronous = NORMAL');
const checkpoint = db.prepare<[], { busy: number; log: number; checkpointed: number }>(
  'PRAGMA wal_checkpoint(PASSIVE)',
);

function tick(): void {
  for (let pass = 0; pass < PASSES_PER_TICK; pass++) {
    const row = checkpoint.get();
    if (row === undefined || row.busy !== 0 || row.checkpointed >= row.log) return;
  }
}

const timer = setInterval(tick, job.intervalMs);
parentPort?.on('message', () => {
  clearInterval(timer);
  tick();
  db.close();
  parentPort?.close();
});
