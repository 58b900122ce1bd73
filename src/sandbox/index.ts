export { findBwrap, BWRAP_SEARCH_DIRS } from './find-bwrap.js';
export { bwrapArgv } from './bwrap-argv.js';
export {
  sandboxedCommand,
  buildSandboxedCommand,
  type SandboxedCommandOptions,
} from './sandboxed-command.js';
export type { SandboxSpec } from './sandbox-spec.js';
