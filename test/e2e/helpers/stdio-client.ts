import type { ChildProcess } from 'node:child_process';

/** Speaks newline-delimited JSON-RPC to a child's stdin/stdout. */
export class StdioClient {
  private buffer = '';
  private readonly waiting = new Map<string | number, (m: any) => void>();
  readonly notifications: any[] = [];
  private nextId = 1;

  constructor(private readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) !== -1) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        if (!line.trim()) continue;
        const message = JSON.parse(line);
        if (message.method === undefined && this.waiting.has(message.id)) {
          this.waiting.get(message.id)!(message);
          this.waiting.delete(message.id);
        } else if (message.method === undefined && message.id === null) {
          this.waiting.get('null')?.(message);
          this.waiting.delete('null');
        } else {
          this.notifications.push(message);
        }
      }
    });
  }

  send(message: unknown): void {
    this.child.stdin!.write(typeof message === 'string' ? message + '\n' : JSON.stringify(message) + '\n');
  }

  /** Sends raw text and waits for the response with the given id (null for parse errors). */
  sendRaw(text: string, id: string | number | null): Promise<any> {
    const p = new Promise((resolve) => this.waiting.set(id === null ? 'null' : id, resolve));
    this.child.stdin!.write(text + '\n');
    return p;
  }

  request(method: string, params?: unknown, id: string | number = this.nextId++): Promise<any> {
    const p = new Promise((resolve) => this.waiting.set(id, resolve));
    this.send({ jsonrpc: '2.0', id, method, params });
    return p;
  }

  async initialize(capabilities: Record<string, unknown> = {}): Promise<any> {
    const r = await this.request('initialize', {
      protocolVersion: '2025-06-18',
      capabilities,
      clientInfo: { name: 'test', version: '1' },
    });
    this.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return r;
  }
}
