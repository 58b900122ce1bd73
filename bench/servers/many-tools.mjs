// A tiny stdio MCP server (newline-delimited JSON-RPC, no SDK, so 100 of them start quickly) offering N echo tools.
// Usage: node bench/servers/many-tools.mjs [--tools 50]; tools are named tool_0 … tool_{N-1}.
import process from 'node:process';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { tools: { type: 'string', default: '50' } } });
const toolCount = Number(values.tools);
if (!Number.isInteger(toolCount) || toolCount < 1 || toolCount > 10_000)
  throw new Error('--tools must be 1..10000');

const tools = Array.from({ length: toolCount }, (_, i) => ({
  name: `tool_${i}`,
  description: `Echoes its message (tool ${i} of ${toolCount}).`,
  inputSchema: {
    type: 'object',
    properties: { message: { type: 'string', maxLength: 10_000 } },
    required: ['message'],
    additionalProperties: false,
  },
  annotations: { readOnlyHint: true },
}));

function send(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function handle(message) {
  const { id, method, params } = message;
  if (id === undefined) return;
  switch (method) {
    case 'initialize':
      return send({
        jsonrpc: '2.0',
        id,
        result: {
          protocolVersion: params?.protocolVersion ?? '2025-06-18',
          capabilities: { tools: {} },
          serverInfo: { name: 'bench-many-tools', version: '1.0.0' },
        },
      });
    case 'ping':
      return send({ jsonrpc: '2.0', id, result: {} });
    case 'tools/list':
      return send({ jsonrpc: '2.0', id, result: { tools } });
    case 'tools/call': {
      const index = tools.findIndex((t) => t.name === params?.name);
      if (index < 0) return send({ jsonrpc: '2.0', id, error: { code: -32602, message: 'Unknown tool' } });
      const text = String(params?.arguments?.message ?? '');
      return send({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: `Echo: ${text}` }] } });
    }
    default:
      return send({ jsonrpc: '2.0', id, error: { code: -32601, message: 'Method not found' } });
  }
}

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    return send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
  }
  handle(message);
});
lines.on('close', () => process.stdout.end());
