/** A minimal `initialize` request, for tests that look at how the front end answers before any session exists. */
export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};

/** What came back from a raw POST: the status, the headers and the body (parsed when it is JSON). */
export interface RawReply {
  status: number;
  headers: Headers;
  body: unknown;
}

/** POSTs `body` (default: {@link INITIALIZE}) to the MCP endpoint with exactly the given extra headers. */
export async function postRaw(
  url: string,
  headers: Record<string, string>,
  body: unknown = INITIALIZE,
): Promise<RawReply> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, headers: res.headers, body: parsed };
}
