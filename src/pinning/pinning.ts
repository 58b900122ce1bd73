import type { ToolDefinition } from '../mcp/wire.js';
import type { PinStore } from './pin-store.js';
import { canonicalToolDefinition, toolDefinitionHash, type PinDrift, type ToolPin } from './tool-pin.js';

/** How tool definitions are pinned. */
export type PinningMode = 'tofu' | 'off';

/** Options for {@link createPinning}. */
export interface PinningOptions {
  store: PinStore;
  mode: PinningMode;
  now?: () => number;
}

/** Checks upstream tool definitions against their pins. */
export interface Pinning {
  /**
   * Trust on first use: unseen tools are pinned; tools whose definition differs from their pin are returned as
   * drifts (their calls are refused until the new definition is approved with `warden pins approve`).
   */
  check(upstream: string, tools: readonly ToolDefinition[]): PinDrift[];
  /** True when the tool's current definition now matches its pin (re-read from the store, so approvals apply at once). */
  isApproved(upstream: string, tool: string, definition: ToolDefinition): boolean;
}

/** Creates the pin checker over a store. */
export function createPinning(options: PinningOptions): Pinning {
  const { store, mode } = options;
  const now = options.now ?? Date.now;
  return {
    check(upstream, tools) {
      if (mode === 'off') return [];
      const drifts: PinDrift[] = [];
      const changes: { pins: ToolPin[]; pending: ToolPin[] } = { pins: [], pending: [] };
      for (const definition of tools) {
        const hash = toolDefinitionHash(definition);
        const pin = store.get(upstream, definition.name);
        if (pin?.hash === hash) continue;
        const record = {
          upstream,
          tool: definition.name,
          hash,
          definition: canonicalToolDefinition(definition),
          pinnedAt: now(),
        };
        if (!pin) changes.pins.push(record);
        else {
          changes.pending.push(record);
          drifts.push({ upstream, tool: definition.name, pinnedHash: pin.hash, currentHash: hash });
        }
      }
      if (changes.pins.length > 0 || changes.pending.length > 0) store.save(changes);
      return drifts;
    },
    isApproved(upstream, tool, definition) {
      if (mode === 'off') return true;
      return store.get(upstream, tool)?.hash === toolDefinitionHash(definition);
    },
  };
}
