// The MCP Streamable HTTP client flow used to prepare load: initialize, session header, notifications/initialized.

const { fetch, AbortSignal } = globalThis;
const REQUEST_TIMEOUT_MS = 10_000;

/** The default client: global fetch. Pass a client from http-client.mjs where sockets must be closed at the end. */
export const fetchClient = {
  request: (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }),
};
export const MCP_PROTOCOL_VERSION = '2025-06-18';
export const ECHO_MESSAGE = 'hello bench';

/** Headers every MCP POST carries. */
export function mcpHeaders(extra = {}) {
  return {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': MCP_PROTOCOL_VERSION,
    ...extra,
  };
}

/** The ~100-byte JSON-RPC tools/call body used by every HTTP target. */
export function toolCallBody(tool, id = 1, argName = 'message') {
  const params = { name: tool, arguments: { [argName]: ECHO_MESSAGE } };
  return JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params });
}

/** Reads a JSON or SSE response body and returns the JSON-RPC messages in it. */
export async function readMessages(res) {
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('text/event-stream')) {
    return text
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trim())
      .filter((data) => data !== '')
      .map((data) => JSON.parse(data));
  }
  return text.trim() === '' ? [] : [JSON.parse(text)];
}

async function post(client, url, headers, body) {
  const res = await client.request(url, { method: 'POST', headers, body });
  return { res, messages: await readMessages(res) };
}

/** Opens a session (when the server issues one) and returns the headers later requests must carry. */
export async function openSession(url, extraHeaders = {}, client = fetchClient) {
  const headers = mcpHeaders(extraHeaders);
  const init = JSON.stringify({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: {
      protocolVersion: MCP_PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: 'warden-bench', version: '1.0.0' },
    },
  });
  const { res, messages } = await post(client, url, headers, init);
  if (res.status !== 200 || !messages[0]?.result) {
    throw new Error(
      `initialize answered ${res.status}: ${JSON.stringify(messages[0] ?? null).slice(0, 200)}`,
    );
  }
  const sessionId = res.headers.get('mcp-session-id');
  const sessionHeaders = sessionId ? { ...headers, 'mcp-session-id': sessionId } : headers;
  const note = await client.request(url, {
    method: 'POST',
    headers: sessionHeaders,
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  await note.arrayBuffer();
  if (note.status !== 202 && note.status !== 200)
    throw new Error(`notifications/initialized answered ${note.status}`);
  return { headers: sessionHeaders, sessionId };
}

/** Calls a tool once and checks that the echo came back, so a load run never measures error replies. */
export async function checkEcho(
  url,
  headers,
  tool,
  { client = fetchClient, id = 424242, argName = 'message' } = {},
) {
  const { res, messages } = await post(client, url, headers, toolCallBody(tool, id, argName));
  const result = messages.find((m) => m.id === id)?.result;
  const text = result?.content?.[0]?.text;
  if (res.status !== 200 || result?.isError || typeof text !== 'string' || !text.includes(ECHO_MESSAGE)) {
    throw new Error(`echo check failed (${res.status}): ${JSON.stringify(messages).slice(0, 300)}`);
  }
}

/** Ends a session with DELETE (best effort: some servers do not support it). */
export async function closeSession(url, headers, client = fetchClient) {
  if (!headers['mcp-session-id']) return;
  const res = await client.request(url, { method: 'DELETE', headers });
  await res.arrayBuffer();
}
