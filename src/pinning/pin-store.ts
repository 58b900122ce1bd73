import type { ToolPin } from './tool-pin.js';

/** One upstream tool, as pins are keyed. */
export interface PinKey {
  upstream: string;
  tool: string;
}

/** What one check of a listing stores. */
export interface PinChanges {
  pins: readonly ToolPin[];
  pending: readonly ToolPin[];
  /** Tools whose definition matches their pin again (or was pinned afresh): their pending definitions are dropped. */
  settled?: readonly PinKey[];
}

/**
 * How an approval ended: the named definition became the pin, nothing was pending, or the pending definition is
 * not the one named (it changed after it was reviewed); the last two change nothing.
 */
export type PinApproval = 'approved' | 'nothing-pending' | 'hash-mismatch';

/** Where pins are kept (the embedded SQLite store; PostgreSQL with scale-out). */
export interface PinStore {
  get(upstream: string, tool: string): ToolPin | undefined;
  list(): ToolPin[];
  /**
   * Records (or replaces) pins, and changed definitions awaiting approval (each replacing an older pending one),
   * and drops settled pending ones, in one transaction: a whole listing costs one flush to disk, and a failure
   * stores none of it.
   */
  save(changes: PinChanges): void;
  /** Changed definitions awaiting approval: all of them, or one upstream's. */
  pending(upstream?: string): ToolPin[];
  /** One tool's changed definition awaiting approval. */
  getPending(upstream: string, tool: string): ToolPin | undefined;
  /**
   * Makes the pending definition the pin if its hash is `hash` (the full SHA-256 the operator reviewed); the
   * comparison and the write are one transaction, so a definition swapped in after the review is never pinned.
   */
  approve(upstream: string, tool: string, hash: string): PinApproval;
  /** Forgets pins and their pending definitions: one tool, one upstream, or all. Returns how many pins were removed. */
  remove(upstream?: string, tool?: string): number;
  /**
   * A number that changes with every approval and removal, whichever process made it: a running gateway polls it
   * so that an operator's decision reaches listings without waiting for a call.
   */
  revision(): number;
  close(): void;
}
