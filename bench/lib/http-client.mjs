// A keep-alive node:http client whose sockets the caller can close, so descriptor counts can be compared exactly.
import { Buffer } from 'node:buffer';
import http from 'node:http';

export const REQUEST_TIMEOUT_MS = 10_000;

/** Creates a client with a `request(url, init)` returning a fetch-like response ({ status, headers.get, text }). */
export function createHttpClient({ maxSockets = 64 } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  function request(url, { method = 'GET', headers = {}, body } = {}) {
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method, headers, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: { get: (name) => res.headers[name.toLowerCase()] ?? null },
            text: async () => text,
            arrayBuffer: async () => Buffer.from(text),
          });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`request timed out after ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
  return { request, close: () => agent.destroy() };
}
