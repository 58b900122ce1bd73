/** Settings the writer thread starts with (its workerData). */
export interface WriterSettings {
  file: string;
  sealKey?: string | undefined;
  sealEveryRecords: number;
  retentionDays?: number | undefined;
  redactPatterns: readonly string[];
  pruneIntervalMs: number;
  /** fsync: each batch reaches the disk before its records are acknowledged; os: it reaches the OS (WAL, synchronous=NORMAL). */
  durability: AuditDurability;
}

/** How durable an acknowledged audit record is. */
export type AuditDurability = 'fsync' | 'os';

/** Messages from the main thread to the writer thread. */
export type WriterRequest =
  /** `json` is the batch's records as one JSON array: far cheaper to hand across threads than a structured clone. */
  | { type: 'append'; id: number; json: string }
  | { type: 'prune'; id: number }
  | { type: 'close'; id: number };

/** Messages from the writer thread back. */
export type WriterReply =
  | { type: 'ready'; seq: number }
  | { type: 'ack'; id: number; seq: number; count: number }
  | { type: 'fail'; id: number; message: string };

/** Parses a message from the writer thread; the thread is ours, so this guards against drift, not attack. */
export function parseWriterReply(value: unknown): WriterReply | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.type === 'ready' && typeof v.seq === 'number') return { type: 'ready', seq: v.seq };
  if (typeof v.id !== 'number') return undefined;
  if (v.type === 'ack' && typeof v.seq === 'number' && typeof v.count === 'number') {
    return { type: 'ack', id: v.id, seq: v.seq, count: v.count };
  }
  if (v.type === 'fail' && typeof v.message === 'string')
    return { type: 'fail', id: v.id, message: v.message };
  return undefined;
}
