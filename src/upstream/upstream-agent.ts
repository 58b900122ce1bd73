import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createUpstreamLookup, type UpstreamLookupOptions } from './upstream-lookup.js';

/** Most connections one HTTP upstream transport keeps open at once. */
export const MAX_UPSTREAM_SOCKETS = 64;

/** The keep-alive agent of one HTTP upstream and the request function that goes with its scheme. */
export interface UpstreamAgent {
  agent: HttpAgent;
  request: typeof httpRequest;
}

/** Options of {@link createUpstreamAgent}: those of the lookup, whose port comes from the URL. */
export type UpstreamAgentOptions = Omit<UpstreamLookupOptions, 'port'>;

/**
 * The agent for one HTTP upstream URL. Each new connection resolves and checks the URL's host once (see
 * {@link createUpstreamLookup}) and connects to the checked address; a pooled keep-alive connection is reused with
 * no lookup at all. TLS still verifies the certificate for the configured name, and Host is that name.
 */
export function createUpstreamAgent(url: URL, options: UpstreamAgentOptions): UpstreamAgent {
  const https = url.protocol === 'https:';
  const port = url.port === '' ? (https ? 443 : 80) : Number(url.port);
  const agentOptions = {
    keepAlive: true,
    maxSockets: MAX_UPSTREAM_SOCKETS,
    lookup: createUpstreamLookup({ ...options, port }),
  };
  return https
    ? { agent: new HttpsAgent(agentOptions), request: httpsRequest }
    : { agent: new HttpAgent(agentOptions), request: httpRequest };
}
