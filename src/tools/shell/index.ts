export { createShellTools, type CreateShellToolsOptions } from './create-shell-tools.js';
export { DEFAULT_SHELL_ALLOW } from './default-allow.js';
export { SHELL_SYSTEM_PATH } from './child-env.js';
export { KILL_GRACE_MS } from './run-process.js';
export { GIT_READ_ONLY_SUBCOMMANDS } from './programs/git.js';
