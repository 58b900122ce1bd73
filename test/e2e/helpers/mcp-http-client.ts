// A deliberately small Streamable HTTP MCP client for tests: it shows exactly what went over the wire.
export interface RpcMessage {
  jsonrpc: '2.0';
  id?: string | number | null;
  method?: string;
  params?: any;
  result?: any;
  error?: { code: number; message: string; data?: unknown };
}

export interface PostResult {
  status: number;
  headers: Headers;
  /** Messages received before the response (SSE), then the response itself. */
  messages: RpcMessage[];
  response: RpcMessage | undefined;
}

export interface ClientOptions {
  url: string;
  headers?: Record<string, string>;
  /** Answers server-to-client requests (sampling, elicitation) that arrive on a POST stream. */
  onRequest?: (message: RpcMessage) => unknown;
  capabilities?: Record<string, unknown>;
}

export class TestClient {
  sessionId: string | undefined;
  private nextId = 1;

  constructor(readonly options: ClientOptions) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...this.options.headers,
      ...extra,
    };
    if (this.sessionId) h['mcp-session-id'] = this.sessionId;
    return h;
  }

  async post(body: unknown, extra: Record<string, string> = {}): Promise<PostResult> {
    const res = await fetch(this.options.url, {
      method: 'POST',
      headers: this.headers(extra),
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const messages: RpcMessage[] = [];
    const type = res.headers.get('content-type') ?? '';
    if (type.startsWith('text/event-stream')) {
      const text = await this.readSse(res);
      for (const m of text) messages.push(m);
    } else if (type.startsWith('application/json')) {
      messages.push((await res.json()) as RpcMessage);
    } else {
      await res.text();
    }
    const requestId = typeof body === 'object' && body !== null && 'id' in body ? body.id : undefined;
    const response = messages.find(
      (m) => m.method === undefined && (requestId === undefined || m.id === requestId),
    );
    return { status: res.status, headers: res.headers, messages, response };
  }

  private async readSse(res: Response): Promise<RpcMessage[]> {
    const out: RpcMessage[] = [];
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let idx: number;
      while ((idx = buffer.indexOf('\n\n')) !== -1) {
        const event = buffer.slice(0, idx);
        buffer = buffer.slice(idx + 2);
        const data = event
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trimStart())
          .join('\n');
        if (!data) continue;
        const message = JSON.parse(data) as RpcMessage;
        out.push(message);
        if (message.method !== undefined && message.id !== undefined && this.options.onRequest) {
          const result = await this.options.onRequest(message);
          void this.post({ jsonrpc: '2.0', id: message.id, result });
        }
      }
    }
    return out;
  }

  async initialize(): Promise<RpcMessage> {
    const r = await this.post({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: this.options.capabilities ?? {},
        clientInfo: { name: 'test', version: '1' },
      },
    });
    if (r.status !== 200) throw new Error(`initialize failed: ${r.status} ${JSON.stringify(r.messages)}`);
    this.sessionId = r.headers.get('mcp-session-id') ?? undefined;
    await this.post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return r.response!;
  }

  async request(method: string, params?: unknown, id: string | number = this.nextId++): Promise<PostResult> {
    return this.post({ jsonrpc: '2.0', id, method, params });
  }

  async call(name: string, args: Record<string, unknown> = {}, meta?: Record<string, unknown>): Promise<any> {
    const r = await this.request('tools/call', { name, arguments: args, ...(meta ? { _meta: meta } : {}) });
    if (!r.response) throw new Error(`no response: ${r.status}`);
    if (r.response.error) throw Object.assign(new Error(r.response.error.message), { rpc: r.response.error });
    return r.response.result;
  }
}

export function textOf(result: any): string {
  return (result.content ?? []).map((c: any) => c.text ?? '').join('');
}

/** What a session's standalone GET stream delivered so far; `close` ends the stream. */
export interface GetStream {
  messages: RpcMessage[];
  /** Settles when the server ends the stream (or `close` does). */
  ended: Promise<void>;
  close(): void;
}

/** Opens the session's standalone GET stream and collects every message it delivers, until `close`. */
export async function listen(client: TestClient): Promise<GetStream> {
  const controller = new AbortController();
  const res = await fetch(client.options.url, {
    headers: { ...client.headers(), accept: 'text/event-stream' },
    signal: controller.signal,
  });
  if (res.status !== 200) throw new Error(`GET stream refused: ${res.status}`);
  const messages: RpcMessage[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const read = async (): Promise<void> => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .find((l) => l.startsWith('data: '));
        buffer = buffer.slice(end + 2);
        if (data) messages.push(JSON.parse(data.slice(6)) as RpcMessage);
      }
    }
  };
  const ended = read().catch((error: unknown) => {
    if (!controller.signal.aborted) throw error;
  });
  return { messages, ended, close: () => controller.abort() };
}
