import { parentPort, workerData } from 'node:worker_threads';
import { readSeals } from '../store/sqlite/audit-reader.js';
import { openSqlite } from '../store/sqlite/open.js';
import { verifyRange, type VerifyRange } from './verify-range.js';

// The entry of a verify thread: checks one range of the chain on its own read-only connection.
interface VerifyJob {
  file: string;
  sealKey: string | undefined;
  range: VerifyRange;
}

const job = workerData as VerifyJob;
const db = openSqlite(job.file, [], { readonly: true });
try {
  parentPort?.postMessage(verifyRange(db, job.range, readSeals(db), job.sealKey));
} finally {
  db.close();
}
