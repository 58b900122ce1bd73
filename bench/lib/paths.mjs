// Locations of the repository, the installed peers and the benchmark's own scripts.
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BENCH_DIR = fileURLToPath(new URL('../', import.meta.url));
export const LOOPBACK_PRELOAD = `${BENCH_DIR}loopback-preload.cjs`;
export const EVERYTHING_SCRIPT = `${ROOT}node_modules/@modelcontextprotocol/server-everything/dist/index.js`;
export const MCP_PROXY_SCRIPT = `${ROOT}node_modules/mcp-proxy/dist/bin/mcp-proxy.mjs`;
export const SUPERGATEWAY_SCRIPT = `${ROOT}node_modules/supergateway/dist/index.js`;
/** Warden's CLI entry; WARDEN_BENCH_CLI points the harness at another build. */
export const WARDEN_CLI = process.env.WARDEN_BENCH_CLI ?? `${ROOT}dist/bundle/warden.js`;
export const SERVERS_DIR = `${BENCH_DIR}servers/`;
