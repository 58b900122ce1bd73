export { createFsTools, type CreateFsToolsOptions } from './create-fs-tools.js';
export { isWithin } from './containment.js';
export { createDenyMatcher, type DenyMatcher } from './deny.js';
export { resolveRoots, type FsRoot } from './roots.js';
