export {
  checkConfigFile,
  checkConfigText,
  configFromObject,
  formatProblem,
  loadConfig,
  storePath,
} from './load.js';
export type { ConfigCheck, LocatedProblem, CheckConfigOptions } from './load.js';
export type { ConfigProblem } from './rules.js';
export { isLoopbackHost, parseListenAddress, type ListenAddress } from './listen-address.js';
export {
  configSchema,
  isStdioUpstream,
  DEFAULT_LISTEN_HTTP,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_UPSTREAM_TIMEOUT_MS,
  type WardenConfig,
  type WardenConfigInput,
  type UpstreamConfig,
  type StdioUpstreamConfig,
  type HttpUpstreamConfig,
} from './schema.js';
export type { AuthConfig, LimitsConfig, PolicyConfig, PolicyRuleConfig } from './access.js';
export type {
  BuiltinsConfig,
  FsConfig,
  ShellConfig,
  ShellProgramRule,
  HttpConfig,
  JsConfig,
  OscConfig,
} from './builtins.js';
