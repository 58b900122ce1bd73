// The floor: a minimal node:http server that parses a JSON-RPC tools/call body and answers it, with no framework.
// Usage: node bench/servers/floor.mjs [--port N]; prints "LISTENING <port>" once bound to 127.0.0.1.
import http from 'node:http';
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { parseArgs } from 'node:util';

const MAX_BODY_BYTES = 1024 * 1024;
const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });

function reply(res, status, payload) {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function answer(message) {
  if (message === null || typeof message !== 'object' || message.jsonrpc !== '2.0') {
    return { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } };
  }
  if (message.method !== 'tools/call' || message.params?.name !== 'echo') {
    return { jsonrpc: '2.0', id: message.id ?? null, error: { code: -32601, message: 'Method not found' } };
  }
  const text = String(message.params.arguments?.message ?? '');
  return { jsonrpc: '2.0', id: message.id, result: { content: [{ type: 'text', text: `Echo: ${text}` }] } };
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST') return reply(res, 405, { error: 'POST only' });
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) req.destroy();
    else chunks.push(chunk);
  });
  req.on('end', () => {
    let message;
    try {
      message = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reply(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    }
    reply(res, 200, answer(message));
  });
});

server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
