import type { IncomingHttpHeaders } from 'node:http';
import { WardenError, isWardenError } from '../../errors/index.js';
import type { AddressAllowList, Resolver } from '../../net/index.js';
import type { FetchArgs } from './args.js';
import { exchange } from './exchange.js';
import { readBody } from './read-body.js';
import { isFollowedRedirect, nextHop, type Hop } from './redirect.js';
import { buildRequestHeaders } from './request-headers.js';
import { parseTarget } from './target.js';

/** Limits and exceptions of one fetch (from `builtins.http`). */
export interface SafeFetchOptions {
  allow: AddressAllowList;
  httpsOnly: boolean;
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  resolve?: Resolver;
}

/** A completed fetch. */
export interface FetchResponse {
  /** URL of the last hop. */
  url: string;
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  redirects: number;
}

function toFailure(error: unknown, caller: AbortSignal, deadline: AbortSignal): WardenError {
  if (caller.aborted) return new WardenError('CANCELLED', undefined, { cause: error });
  if (deadline.aborted) return new WardenError('HTTP_TIMEOUT', undefined, { cause: error });
  if (isWardenError(error)) return error;
  return new WardenError('HTTP_FAILED', undefined, { cause: error });
}

/**
 * Fetches a URL under Warden's outbound rules: every hop's scheme, host and connected address checked, redirects
 * followed by hand up to `maxRedirects`, the body capped at `maxBytes`, everything within `timeoutMs`.
 */
export async function safeFetch(
  args: FetchArgs,
  options: SafeFetchOptions,
  callerSignal: AbortSignal,
): Promise<FetchResponse> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new WardenError('HTTP_TIMEOUT')), options.timeoutMs);
  const signal = AbortSignal.any([callerSignal, deadline.signal]);
  const exchangeOptions = {
    allow: options.allow,
    signal,
    ...(options.resolve ? { resolve: options.resolve } : {}),
  };
  try {
    let hop: Hop = {
      url: args.url,
      method: args.method,
      headers: buildRequestHeaders(args.headers),
      body: args.body,
    };
    for (let redirects = 0; redirects <= options.maxRedirects; redirects += 1) {
      const target = parseTarget(hop.url, options);
      const res = await exchange(hop, target, exchangeOptions);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (isFollowedRedirect(status) && location !== undefined) {
        res.destroy();
        if (redirects === options.maxRedirects) throw new WardenError('HTTP_TOO_MANY_REDIRECTS');
        hop = nextHop(hop, status, location);
        continue;
      }
      const body = hop.method === 'HEAD' ? Buffer.alloc(0) : await readBody(res, options.maxBytes, signal);
      res.destroy();
      return {
        url: target.url.href,
        status,
        statusText: res.statusMessage ?? '',
        headers: res.headers,
        body,
        redirects,
      };
    }
    throw new WardenError('HTTP_TOO_MANY_REDIRECTS');
  } catch (error) {
    throw toFailure(error, callerSignal, deadline.signal);
  } finally {
    clearTimeout(timer);
  }
}
