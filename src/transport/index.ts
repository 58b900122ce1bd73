export { createHttpFrontEnd, type HttpFrontEnd, type HttpFrontEndOptions } from './http-server.js';
export { serveStdio, type StdioFrontEndOptions, MAX_STDIO_LINE_BYTES } from './stdio-server.js';
export { createHostCheck, type HostCheck, type HostCheckOptions } from './host-check.js';
export type { AuthResult, HttpGuardPort, HttpRequestFacts, MetricsRenderPort } from './ports.js';
