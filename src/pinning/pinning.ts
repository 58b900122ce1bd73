import type { ToolDefinition } from '../mcp/wire.js';
import type { PinKey, PinStore } from './pin-store.js';
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
   * drifts (their calls are refused until the new definition is approved with `warden pins approve`). A tool
   * back at its pinned definition loses its pending one, so what the upstream no longer serves cannot be approved.
   */
  check(upstream: string, tools: readonly ToolDefinition[]): PinDrift[];
  /**
   * True when the tool's current definition now matches its pin (re-read from the store, so approvals apply at
   * once). Only the definition the caller holds counts: approving another one leaves the tool refused.
   */
  isApproved(upstream: string, tool: string, definition: ToolDefinition): boolean;
  /** Changes with every approval and removal in the store (see PinStore.revision); 0 with pinning off. */
  revision(): number;
}

/** Creates the pin checker over a store. */
export function createPinning(options: PinningOptions): Pinning {
  const { store, mode } = options;
  const now = options.now ?? Date.now;
  return {
    check(upstream, tools) {
      if (mode === 'off') return [];
      const waiting = new Map(store.pending(upstream).map((p) => [p.tool, p.hash]));
      const drifts: PinDrift[] = [];
      const changes: { pins: ToolPin[]; pending: ToolPin[]; settled: PinKey[] } = {
        pins: [],
        pending: [],
        settled: [],
      };
      for (const definition of tools) {
        const tool = definition.name;
        const hash = toolDefinitionHash(definition);
        const pin = store.get(upstream, tool);
        const pendingHash = waiting.get(tool);
        if (pin && pin.hash !== hash) {
          drifts.push({ upstream, tool, pinnedHash: pin.hash, currentHash: hash });
          // An unchanged pending definition is not rewritten: its time stays the time it was first seen.
          if (pendingHash !== hash) changes.pending.push(pinOf(upstream, definition, hash, now()));
          continue;
        }
        // A pending definition the upstream has stepped away from must not stay approvable: approved later, it
        // would pin a definition the upstream no longer serves, which it could then switch to unnoticed.
        if (pendingHash !== undefined) changes.settled.push({ upstream, tool });
        if (!pin) changes.pins.push(pinOf(upstream, definition, hash, now()));
      }
      if (changes.pins.length > 0 || changes.pending.length > 0 || changes.settled.length > 0)
        store.save(changes);
      return drifts;
    },
    isApproved(upstream, tool, definition) {
      if (mode === 'off') return true;
      return store.get(upstream, tool)?.hash === toolDefinitionHash(definition);
    },
    revision: () => (mode === 'off' ? 0 : store.revision()),
  };
}

function pinOf(upstream: string, definition: ToolDefinition, hash: string, pinnedAt: number): ToolPin {
  return { upstream, tool: definition.name, hash, definition: canonicalToolDefinition(definition), pinnedAt };
}
