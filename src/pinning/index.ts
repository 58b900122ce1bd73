export { canonicalToolDefinition, toolDefinitionHash, type PinDrift, type ToolPin } from './tool-pin.js';
export type { PinApproval, PinChanges, PinKey, PinStore } from './pin-store.js';
export { createPinning, type Pinning, type PinningMode, type PinningOptions } from './pinning.js';
export { definitionDiff, definitionLines } from './definition-diff.js';
