import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

// The entry of the audit log's checkpoint thread: folds the write-ahead log back into the database on its own
// connection, often and in small steps, so that the writer on the main thread never runs a checkpoint itself.
//
// SQLite starts the log again from its beginning only when a commit begins with every frame already copied back,
// which a writer committing every millisecond never gives a passive checkpoint. Under steady load the WAL file
// then grew by every commit (to 59 MB in 2.5 s at 6k records/s), until SQLite's own checkpoint at 16,384 pages ran
// on the writer's thread, the event loop. So once the log is long and a passive pass has left only a short tail, a
// RESTART checkpoint copies that tail under the writer lock and makes the next commit start over: the file stays
// near RESTART_AFTER_FRAMES and is overwritten in place (5–7 MB in the same run).
interface CheckpointJob {
  file: string;
  intervalMs: number;
}

/** Passes per tick: a pass that did not reach the end of the log is repeated at once, up to this many times. */
const PASSES_PER_TICK = 4;
/** Frames in the log (about 4 KiB each) from which the thread asks SQLite to start it over. */
const RESTART_AFTER_FRAMES = 1024;
/**
 * Most frames still to copy when a restart is tried: the restart holds the writer lock while it copies them and
 * syncs the database, and the audit writer retries its commit meanwhile (it never waits for the lock).
 */
const RESTART_TAIL_FRAMES = 64;
/** How long a restart waits for the writer lock (the writer commits a batch per turn of its event loop). */
const RESTART_LOCK_WAIT_MS = 10;

const job = workerData as CheckpointJob;
const db = new Database(job.file, { fileMustExist: true });
// Passive passes never wait for a lock. A restart waits this long for the writer's transaction in progress (this
// thread is not the event loop); failing that, it runs again on the next tick.
db.pragma(`busy_timeout = ${RESTART_LOCK_WAIT_MS}`);
db.pragma('synchronous = NORMAL');
type CheckpointRow = { busy: number; log: number; checkpointed: number };
const checkpoint = db.prepare<[], CheckpointRow>('PRAGMA wal_checkpoint(PASSIVE)');
const restart = db.prepare<[], CheckpointRow>('PRAGMA wal_checkpoint(RESTART)');

function tick(): void {
  for (let pass = 0; pass < PASSES_PER_TICK; pass++) {
    const row = checkpoint.get();
    if (row === undefined || row.busy !== 0) return;
    if (row.log >= RESTART_AFTER_FRAMES && row.log - row.checkpointed <= RESTART_TAIL_FRAMES) {
      restartLog();
      return;
    }
    if (row.checkpointed >= row.log) return;
  }
}

/** A restart that cannot get its locks in RESTART_LOCK_WAIT_MS gives up; the next tick tries again. */
function restartLog(): void {
  try {
    restart.get();
  } catch {
    // SQLITE_BUSY: tried again on the next tick.
  }
}

const timer = setInterval(tick, job.intervalMs);
parentPort?.on('message', () => {
  clearInterval(timer);
  tick();
  db.close();
  parentPort?.close();
});
