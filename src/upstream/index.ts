export { UpstreamClient, UpstreamRpcError } from './client.js';
export type { MessageOrigin, RequestOptions, UpstreamClientOptions, UpstreamState } from './client.js';
export {
  childEnvironment,
  createUpstreamClient,
  type CreateUpstreamOptions,
  type SandboxCommand,
} from './create.js';
export { StdioTransport, type StdioTransportOptions } from './stdio-transport.js';
export { StreamableHttpTransport, type StreamableHttpTransportOptions } from './http-transport.js';
export { SseParser, type SseEvent } from './sse-parser.js';
export type { UpstreamTransport } from './transport.js';
