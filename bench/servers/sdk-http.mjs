// Peer: the MCP SDK's own Streamable HTTP server (JSON-response mode) exposing an `echo` tool.
// Usage: node bench/servers/sdk-http.mjs --stateless|--session [--port N]; prints "LISTENING <port>".
// --stateless follows the SDK's documented pattern (a new server and transport per request);
// --session keeps one transport per session, created at initialize and reused by every later request.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

const MAX_BODY_BYTES = 1024 * 1024;
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    stateless: { type: 'boolean', default: false },
    session: { type: 'boolean', default: false },
  },
});
if (values.stateless === values.session) throw new Error('pass exactly one of --stateless or --session');

function createServer() {
  const server = new McpServer({ name: 'bench-sdk-http', version: '1.0.0' });
  server.registerTool(
    'echo',
    { description: 'Echoes back the input', inputSchema: { message: z.string() } },
    ({ message }) => ({ content: [{ type: 'text', text: `Echo: ${message}` }] }),
  );
  return server;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function fail(res, status, message) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message } }));
}

async function handleStateless(req, res, body) {
  const server = createServer();
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
}

const sessions = new Map();

async function handleSession(req, res, body) {
  const id = req.headers['mcp-session-id'];
  const existing = typeof id === 'string' ? sessions.get(id) : undefined;
  if (existing) return existing.handleRequest(req, res, body);
  if (id !== undefined) return fail(res, 404, 'Session not found');
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    enableJsonResponse: true,
    onsessioninitialized: (sessionId) => sessions.set(sessionId, transport),
  });
  transport.onclose = () => {
    if (transport.sessionId) sessions.delete(transport.sessionId);
  };
  await createServer().connect(transport);
  await transport.handleRequest(req, res, body);
}

const handle = values.stateless ? handleStateless : handleSession;

const httpServer = http.createServer((req, res) => {
  if (req.url !== '/mcp') return fail(res, 404, 'Not found');
  const run = async () => {
    const raw = req.method === 'POST' ? await readBody(req) : '';
    let body;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        return fail(res, 400, 'Parse error');
      }
    }
    await handle(req, res, body);
  };
  run().catch((error) => {
    process.stderr.write(`sdk-http: ${String(error)}\n`);
    if (!res.headersSent) fail(res, 500, 'Internal error');
  });
});

httpServer.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${httpServer.address().port}\n`);
});
process.on('SIGTERM', () => {
  httpServer.close();
  httpServer.closeAllConnections();
});
