import type { ToolDefinition, ToolResult } from '../mcp/wire.js';

/** What a built-in tool learns about the call it serves. */
export interface ToolCallContext {
  /** Aborted when the client cancels, the call times out, or Warden shuts down. */
  signal: AbortSignal;
  /** Correlation id of the call. */
  requestId: string;
  /** Id of the calling principal (tools that share a resource among callers keep them apart by it). */
  principalId?: string | undefined;
}

/**
 * A hardened built-in tool. `call` receives arguments already checked against `definition.inputSchema`
 * (but confinement modules re-check everything they rely on). A refusal is thrown as a `WardenError`, which the
 * gateway turns into a tool result with `isError: true` and `CODE: reason`; any other thrown value is an
 * internal fault, logged and reported as `INTERNAL`.
 */
export interface BuiltinTool {
  definition: ToolDefinition;
  call(args: Record<string, unknown>, ctx: ToolCallContext): Promise<ToolResult>;
}

/** A family of built-in tools with an optional lifecycle (sockets, worker pools). */
export interface ToolFamily {
  tools: BuiltinTool[];
  close?(): Promise<void>;
}
