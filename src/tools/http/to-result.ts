import type { ToolResult } from '../../mcp/wire.js';
import type { FetchResponse } from './fetch.js';

// Only headers that describe the content or its freshness; Set-Cookie and server internals stay behind.
const SAFE_RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'content-language',
  'content-encoding',
  'content-disposition',
  'cache-control',
  'etag',
  'last-modified',
  'expires',
  'date',
  'age',
  'vary',
  'location',
  'retry-after',
  'allow',
] as const;

const TEXT_TYPES = new Set([
  'application/json',
  'application/xml',
  'application/javascript',
  'application/ecmascript',
  'application/x-www-form-urlencoded',
  'application/x-ndjson',
  'application/yaml',
  'application/x-yaml',
  'application/graphql',
]);
const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

/** The response headers a caller sees. */
export function safeResponseHeaders(headers: FetchResponse['headers']): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of SAFE_RESPONSE_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') picked[name] = value;
  }
  return picked;
}

function mediaType(contentType: string | undefined): {
  essence: string | undefined;
  charset: string | undefined;
} {
  if (contentType === undefined) return { essence: undefined, charset: undefined };
  const [essence = '', ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"|"$/g, '');
  return { essence: essence === '' ? undefined : essence, charset };
}

function isTextual(essence: string): boolean {
  return (
    essence.startsWith('text/') ||
    TEXT_TYPES.has(essence) ||
    essence.endsWith('+json') ||
    essence.endsWith('+xml')
  );
}

/** The body as UTF-8 text when its type is textual (or absent) and it decodes cleanly, else undefined. */
export function decodeTextBody(body: Buffer, contentType: string | undefined): string | undefined {
  const { essence, charset } = mediaType(contentType);
  if (essence !== undefined && !isTextual(essence)) return undefined;
  if (charset !== undefined && !UTF8_CHARSETS.has(charset)) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch (error) {
    void error;
    return undefined;
  }
  return essence === undefined && text.includes('\u0000') ? undefined : text;
}

/** Turns a fetch into a tool result: the body as text or base64 (with its type), status and headers as structured content. */
export function toToolResult(response: FetchResponse): ToolResult {
  const headers = safeResponseHeaders(response.headers);
  const mimeType = mediaType(headers['content-type']).essence ?? 'application/octet-stream';
  const text = decodeTextBody(response.body, headers['content-type']);
  const structuredContent = {
    url: response.url,
    status: response.status,
    statusText: response.statusText,
    headers,
    redirects: response.redirects,
    mimeType,
    bodyEncoding: text === undefined ? 'base64' : 'text',
    bodyBytes: response.body.length,
  };
  if (text !== undefined) return { content: [{ type: 'text', text }], structuredContent };
  return {
    content: [
      { type: 'resource', resource: { uri: response.url, mimeType, blob: response.body.toString('base64') } },
    ],
    structuredContent,
  };
}
