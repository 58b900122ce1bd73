import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { WardenError } from '../errors/index.js';
import type { UpstreamAgent } from './upstream-agent.js';

/** The part of `fetch` the SDK's legacy SSE client calls. */
export type AgentFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** Statuses whose response has no body (the Fetch standard's null body statuses). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.append(name, value);
  }
  return headers;
}

function toResponse(res: IncomingMessage, method: string): Response {
  const status = res.statusCode ?? 0;
  const init = { status, statusText: res.statusMessage ?? '', headers: responseHeaders(res) };
  if (NULL_BODY_STATUSES.has(status) || method === 'HEAD') {
    res.resume();
    return new Response(null, init);
  }
  return new Response(Readable.toWeb(res), init);
}

/**
 * A `fetch` over node:http through one upstream's agent, for the SDK's legacy SSE client: every connection it
 * opens is resolved and checked by the agent's lookup, and keep-alive sockets are shared. No proxy variable is
 * read and no redirect followed (a 3xx is returned as it is); only string bodies are sent.
 */
export function agentFetch(upstream: UpstreamAgent): AgentFetch {
  return (url, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') {
        reject(new TypeError('only string bodies are sent to an upstream'));
        return;
      }
      const method = (init.method ?? 'GET').toUpperCase();
      const headers: OutgoingHttpHeaders = Object.fromEntries(new Headers(init.headers).entries());
      const req = upstream.request(
        new URL(url),
        { method, headers, agent: upstream.agent, ...(init.signal ? { signal: init.signal } : {}) },
        (res) => {
          try {
            resolve(toResponse(res, method));
          } catch (error) {
            res.destroy();
            reject(
              new WardenError('UPSTREAM_PROTOCOL', 'upstream sent an unusable answer', { cause: error }),
            );
          }
        },
      );
      req.on('error', reject);
      // A 101 without an 'upgrade' listener drops the socket with neither 'response' nor 'error'.
      req.once('close', () =>
        reject(new WardenError('UPSTREAM_UNAVAILABLE', 'upstream HTTP request ended without an answer')),
      );
      req.end(init.body ?? undefined);
    });
}
