import type { ToolDefinition } from '../../mcp/wire.js';
import { FETCH_METHODS, MAX_REQUEST_BODY_BYTES, MAX_REQUEST_HEADERS, MAX_URL_CHARS } from './limits.js';

/** The MCP definition of `http_fetch`. */
export const HTTP_FETCH_DEFINITION: ToolDefinition = {
  name: 'http_fetch',
  title: 'Fetch a URL',
  description:
    'Fetch an http(s) URL. Loopback, private, link-local (cloud metadata) and other non-public addresses are refused ' +
    'unless allowed by configuration; redirects are followed and each hop is re-checked. Textual bodies are returned ' +
    'as text, others as base64.',
  inputSchema: {
    type: 'object',
    properties: {
      url: {
        type: 'string',
        minLength: 1,
        maxLength: MAX_URL_CHARS,
        description: 'Absolute http: or https: URL.',
      },
      method: { type: 'string', enum: [...FETCH_METHODS], default: 'GET', description: 'HTTP method.' },
      headers: {
        type: 'object',
        additionalProperties: { type: 'string' },
        maxProperties: MAX_REQUEST_HEADERS,
        description: 'Request headers; Host, Connection, Transfer-Encoding, Proxy-* and similar are refused.',
      },
      body: {
        type: 'string',
        maxLength: MAX_REQUEST_BODY_BYTES,
        description: 'Request body (UTF-8); not allowed with GET or HEAD.',
      },
    },
    required: ['url'],
    additionalProperties: false,
  },
  annotations: {
    title: 'Fetch a URL',
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: true,
  },
};
