export { createHttpTools, type CreateHttpToolsOptions } from './http-tools.js';
export { HTTP_FETCH_DEFINITION } from './definition.js';
export { safeFetch, type FetchResponse, type SafeFetchOptions } from './fetch.js';
export { parseFetchArgs, type FetchArgs } from './args.js';
export { parseTarget, type FetchTarget, type ParseTargetOptions } from './target.js';
export { FETCH_METHODS, type FetchMethod } from './limits.js';
