export { canonicalToolDefinition, toolDefinitionHash, type PinDrift, type ToolPin } from './tool-pin.js';
export type { PinChanges, PinStore } from './pin-store.js';
export { createPinning, type Pinning, type PinningMode, type PinningOptions } from './pinning.js';
