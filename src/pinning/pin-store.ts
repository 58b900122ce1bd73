import type { ToolPin } from './tool-pin.js';

/** Where pins are kept (the embedded SQLite store; PostgreSQL with scale-out). */
export interface PinStore {
  get(upstream: string, tool: string): ToolPin | undefined;
  list(): ToolPin[];
  /** Records (or replaces) a pin. */
  put(pin: ToolPin): void;
  /** Remembers a changed definition awaiting approval (replacing an older pending one). */
  putPending(pin: ToolPin): void;
  /** Changed definitions awaiting approval. */
  pending(): ToolPin[];
  /** Makes a pending definition the pin; false when nothing was pending for that tool. */
  approve(upstream: string, tool: string): boolean;
  /** Forgets pins: one tool, one upstream, or all. Returns how many were removed. */
  remove(upstream?: string, tool?: string): number;
  close(): void;
}
