import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createTlsServer } from 'node:https';

/** One request a recording server received. */
export interface Hit {
  server: string;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A started recording server. */
export interface RecordingServer {
  server: Server;
  label: string;
  port: number;
  close(): Promise<void>;
}

function route(req: IncomingMessage, res: ServerResponse, label: string, body: string): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const q = (name: string): string | null => url.searchParams.get(name);
  switch (url.pathname) {
    case '/json':
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ok: true, from: label }));
      return;
    case '/bin':
      res
        .writeHead(200, { 'content-type': 'application/octet-stream' })
        .end(Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
      return;
    case '/latin1':
      res
        .writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' })
        .end(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
      return;
    case '/echo':
      res
        .writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'secret=1', 'x-internal': 'yes' })
        .end(JSON.stringify({ method: req.method, headers: req.headers, body }));
      return;
    case '/redirect':
      res.writeHead(Number(q('status') ?? '302'), { location: q('to') ?? '/' }).end();
      return;
    case '/chain': {
      const n = Number(q('n') ?? '0');
      if (n <= 0) res.writeHead(200, { 'content-type': 'text/plain' }).end('end of chain');
      else res.writeHead(302, { location: `/chain?n=${n - 1}` }).end();
      return;
    }
    case '/big': {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const total = Number(q('bytes') ?? '0');
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      let sent = 0;
      const pump = (): void => {
        while (sent < total && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
      return;
    }
    case '/big-declared':
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100000000' }).write('a');
      return;
    case '/slow': {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('.'), 50);
      res.once('close', () => clearInterval(timer));
      return;
    }
    case '/hang':
      return;
    default:
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(`hello from ${label}`);
  }
}

/** PEM key and certificate for an HTTPS recording server. */
export interface TlsMaterial {
  key: string;
  cert: string;
}

/** Starts an HTTP(S) server on host:port (0 = any) that records every request into `hits` and answers a few test routes. */
export function startRecordingServer(
  host: string,
  port: number,
  hits: Hit[],
  tls?: TlsMaterial,
): Promise<RecordingServer> {
  return new Promise((resolve, reject) => {
    let label = '';
    const listener: RequestListener = (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        hits.push({
          server: label,
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body,
        });
        route(req, res, label, body);
      });
    };
    const server: Server = tls === undefined ? createServer(listener) : createTlsServer(tls, listener);
    server.once('error', reject);
    server.listen({ host, port, ipv6Only: host.includes(':') }, () => {
      const address = server.address();
      const actual = typeof address === 'object' && address !== null ? address.port : port;
      label = `${host.includes(':') ? `[${host}]` : host}:${actual}`;
      resolve({
        server,
        label,
        port: actual,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
