import type { ToolPin } from './tool-pin.js';

/** What one check of a listing stores. */
export interface PinChanges {
  pins: readonly ToolPin[];
  pending: readonly ToolPin[];
}

/** Where pins are kept (the embedded SQLite store; PostgreSQL with scale-out). */
export interface PinStore {
  get(upstream: string, tool: string): ToolPin | undefined;
  list(): ToolPin[];
  /**
   * Records (or replaces) pins, and changed definitions awaiting approval (each replacing an older pending one),
   * in one transaction: a whole listing costs one flush to disk, and a failure stores none of it.
   */
  save(changes: PinChanges): void;
  /** Changed definitions awaiting approval. */
  pending(): ToolPin[];
  /** Makes a pending definition the pin; false when nothing was pending for that tool. */
  approve(upstream: string, tool: string): boolean;
  /** Forgets pins: one tool, one upstream, or all. Returns how many were removed. */
  remove(upstream?: string, tool?: string): number;
  close(): void;
}
