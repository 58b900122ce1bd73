import type { ToolDefinition } from '../mcp/wire.js';
import type { UpstreamClient } from '../upstream/index.js';
import type { UpstreamListing } from './catalog.js';

/** Items per page of Warden's own list results. */
export const PAGE_SIZE = 500;
/** Most pages Warden follows when listing one upstream. */
const MAX_UPSTREAM_PAGES = 100;

/** One page of `items` after `cursor` (an opaque offset), with the next cursor when more remain. */
export function paginate<T>(items: readonly T[], cursor: unknown, key: string): Record<string, unknown> {
  let start = 0;
  if (typeof cursor === 'string') {
    const n = Number.parseInt(Buffer.from(cursor, 'base64url').toString('utf8'), 10);
    if (Number.isSafeInteger(n) && n >= 0 && n <= items.length) start = n;
  }
  const end = start + PAGE_SIZE;
  const page: Record<string, unknown> = { [key]: items.slice(start, end) };
  if (end < items.length) page.nextCursor = Buffer.from(String(end), 'utf8').toString('base64url');
  return page;
}

async function listAll(
  client: UpstreamClient,
  method: string,
  key: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_UPSTREAM_PAGES; page++) {
    const result = await client.request(method, cursor === undefined ? undefined : { cursor });
    const list = result[key];
    if (Array.isArray(list)) for (const item of list) if (isObject(item)) items.push(item);
    cursor =
      typeof result.nextCursor === 'string' && result.nextCursor !== '' ? result.nextCursor : undefined;
    if (cursor === undefined) break;
  }
  return items;
}

/** Fetches everything an upstream offers, according to the capabilities it declared. */
export async function fetchListing(client: UpstreamClient, prefix: boolean): Promise<UpstreamListing> {
  const caps = client.serverCapabilities;
  const [tools, prompts, resources, resourceTemplates] = await Promise.all([
    caps.tools ? listAll(client, 'tools/list', 'tools') : [],
    caps.prompts ? listAll(client, 'prompts/list', 'prompts') : [],
    caps.resources ? listAll(client, 'resources/list', 'resources') : [],
    caps.resources ? listAll(client, 'resources/templates/list', 'resourceTemplates').catch(() => []) : [],
  ]);
  const definitions: ToolDefinition[] = [];
  for (const tool of tools) if (isToolDefinition(tool)) definitions.push(tool);
  return {
    upstream: client.name,
    prefix,
    tools: definitions,
    prompts,
    resources,
    resourceTemplates,
  };
}

function isToolDefinition(value: Record<string, unknown>): value is ToolDefinition {
  return typeof value.name === 'string' && value.name.length > 0 && isObject(value.inputSchema);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
