import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/canonical-json.js';
import type { ToolDefinition } from '../mcp/wire.js';

/** What a pin remembers about one upstream tool. */
export interface ToolPin {
  upstream: string;
  tool: string;
  /** SHA-256 of the canonical definition. */
  hash: string;
  /** The canonical definition that was approved, to show what changed. */
  definition: string;
  pinnedAt: number;
}

/** A pin whose tool now has another definition (a "rug pull" until someone approves it). */
export interface PinDrift {
  upstream: string;
  tool: string;
  pinnedHash: string;
  currentHash: string;
}

/**
 * The parts of a tool definition that can change what a model is told or what the tool accepts: everything but
 * the name under which Warden lists it. Canonical JSON makes key order irrelevant.
 */
export function canonicalToolDefinition(definition: ToolDefinition): string {
  const { name: _name, ...rest } = definition;
  return canonicalJson(rest);
}

/** SHA-256 (hex) of a tool's canonical definition. */
export function toolDefinitionHash(definition: ToolDefinition): string {
  return createHash('sha256').update(canonicalToolDefinition(definition)).digest('hex');
}
