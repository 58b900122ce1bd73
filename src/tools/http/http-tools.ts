import type { HttpConfig } from '../../config/builtins.js';
import { parseAllowList, type Resolver } from '../../net/index.js';
import type { BuiltinTool, ToolFamily } from '../types.js';
import { parseFetchArgs } from './args.js';
import { HTTP_FETCH_DEFINITION } from './definition.js';
import { safeFetch, type SafeFetchOptions } from './fetch.js';
import { toToolResult } from './to-result.js';

/** Options of {@link createHttpTools}. */
export interface CreateHttpToolsOptions {
  /**
   * Name resolution; tests inject a scripted resolver. @default the system resolver (dns.lookup, all answers, at
   * most MAX_LOOKUP_POOL_THREADS at once)
   */
  resolve?: Resolver;
}

/** Creates the `http_fetch` tool family from `builtins.http`; rejects with CONFIG_INVALID on a malformed allow entry. */
export function createHttpTools(
  config: HttpConfig,
  options: CreateHttpToolsOptions = {},
): Promise<ToolFamily> {
  return Promise.resolve().then(() => buildHttpTools(config, options));
}

function buildHttpTools(config: HttpConfig, options: CreateHttpToolsOptions): ToolFamily {
  const fetchOptions: SafeFetchOptions = {
    allow: parseAllowList(config.allow),
    httpsOnly: config.httpsOnly,
    maxBytes: config.maxBytes,
    timeoutMs: config.timeoutMs,
    maxRedirects: Math.min(config.maxRedirects, 5),
    ...(options.resolve ? { resolve: options.resolve } : {}),
  };
  const httpFetch: BuiltinTool = {
    definition: HTTP_FETCH_DEFINITION,
    async call(args, ctx) {
      const response = await safeFetch(parseFetchArgs(args), fetchOptions, ctx.signal);
      return toToolResult(response);
    },
  };
  return { tools: [httpFetch] };
}
