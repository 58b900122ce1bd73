export { spawnChild, STOP_GRACE_MS, type TestChild } from './child.js';
export { freePort } from './free-port.js';
export {
  FIXTURE_SERVER,
  LOOPBACK_PRELOAD,
  SERVER_EVERYTHING,
  SERVER_READY_TIMEOUT_MS,
  fixtureStdioUpstream,
  httpUpstream,
  serverEverythingStdioUpstream,
  startFixtureHttp,
  startServerEverythingHttp,
  type HttpMcpServer,
} from './mcp-servers.js';
export { POLL_INTERVAL_MS, waitForHttp } from './wait-http.js';
export {
  UPSTREAM_MODULE,
  WARDEN_CLI,
  WARDEN_READY_TIMEOUT_MS,
  startWarden,
  upstreamClientBuilt,
  wardenBuilt,
  type RunningWarden,
} from './warden.js';
export { conformanceGatewayConfig } from './gateway-config.js';
