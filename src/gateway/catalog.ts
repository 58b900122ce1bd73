import { WardenError } from '../errors/index.js';
import type { ToolDefinition } from '../mcp/wire.js';
import type { BuiltinTool } from '../tools/types.js';

/** Separator between an upstream's name and its tool or prompt names when prefixing is on. */
export const PREFIX_SEPARATOR = '__';

/** Where a tool lives and how it is shown to clients. */
export interface ToolEntry {
  /** Final name, as clients see it. */
  name: string;
  /** The definition as listed to clients (the upstream's, with only the name changed when prefixed). */
  definition: ToolDefinition;
  /** Name at the source. */
  originalName: string;
  /** Upstream name, or undefined for a built-in. */
  upstream: string | undefined;
  builtin: BuiltinTool | undefined;
  /** The upstream changed this tool's definition since it was pinned: hidden and refused until approved. */
  drifted: boolean;
}

/** A prompt and its source. */
export interface PromptEntry {
  name: string;
  definition: Record<string, unknown>;
  originalName: string;
  upstream: string;
}

/** What one upstream contributes, as listed by it. */
export interface UpstreamListing {
  upstream: string;
  prefix: boolean;
  tools: ToolDefinition[];
  prompts: Record<string, unknown>[];
  resources: Record<string, unknown>[];
  resourceTemplates: Record<string, unknown>[];
  /** Original names of tools whose definitions no longer match their pins. */
  drifted?: ReadonlySet<string> | undefined;
}

/** The merged view of every source: lookups by final name are single Map reads on the hot path. */
export class Catalog {
  readonly tools = new Map<string, ToolEntry>();
  readonly prompts = new Map<string, PromptEntry>();
  /** Resource URI → upstream. */
  readonly resources = new Map<string, { upstream: string; definition: Record<string, unknown> }>();
  readonly templates: Array<{ upstream: string; definition: Record<string, unknown>; match: RegExp }> = [];
  private readonly listings = new Map<string, UpstreamListing>();
  private builtins: BuiltinTool[] = [];
  /** Bumped on every change, so list caches can tell they are stale. */
  version = 0;

  /** Builds the catalog from scratch; a name claimed by two sources throws TOOL_NAME_COLLISION naming both. */
  static build(builtins: BuiltinTool[], listings: UpstreamListing[]): Catalog {
    const catalog = new Catalog();
    catalog.builtins = builtins;
    for (const l of listings) catalog.listings.set(l.upstream, l);
    catalog.rebuild();
    return catalog;
  }

  /**
   * Replaces one upstream's listing at run time. If it would collide with another source, the change is refused
   * (the previous listing stays) and the error is returned for logging.
   */
  replace(listing: UpstreamListing): WardenError | undefined {
    const previous = this.listings.get(listing.upstream);
    this.listings.set(listing.upstream, listing);
    try {
      this.rebuild();
      return undefined;
    } catch (error) {
      if (previous) this.listings.set(listing.upstream, previous);
      else this.listings.delete(listing.upstream);
      this.rebuild();
      if (error instanceof WardenError) return error;
      throw error;
    }
  }

  private rebuild(): void {
    const tools = new Map<string, ToolEntry>();
    const prompts = new Map<string, PromptEntry>();
    const resources = new Map<string, { upstream: string; definition: Record<string, unknown> }>();
    const templates: Catalog['templates'] = [];
    // Tool and prompt names of two sources that differ only in letter case also collide: to a model (and to a
    // person approving a call) `FS_READ` from an upstream shadows the built-in `fs_read` as an exact twin would.
    const folded = new Map<string, { upstream: string | undefined }>();
    const claim = <T extends { upstream: string | undefined }>(
      map: Map<string, T>,
      name: string,
      entry: T,
      kind: string,
    ): void => {
      const key = `${kind}\u0000${name.toLowerCase()}`;
      const similar = kind === 'resource' ? undefined : folded.get(key);
      const existing =
        map.get(name) ?? (similar && similar.upstream !== entry.upstream ? similar : undefined);
      if (existing) {
        const a = existing.upstream === undefined ? 'built-in tools' : `upstream "${existing.upstream}"`;
        const b = entry.upstream === undefined ? 'built-in tools' : `upstream "${entry.upstream}"`;
        throw new WardenError('TOOL_NAME_COLLISION', `${kind} "${name}" is offered by both ${a} and ${b}`);
      }
      if (!similar) folded.set(key, entry);
      map.set(name, entry);
    };
    for (const tool of this.builtins) {
      const name = tool.definition.name;
      claim(
        tools,
        name,
        {
          name,
          definition: tool.definition,
          originalName: name,
          upstream: undefined,
          builtin: tool,
          drifted: false,
        },
        'tool',
      );
    }
    for (const l of this.listings.values()) {
      const rename = (n: string): string => (l.prefix ? `${l.upstream}${PREFIX_SEPARATOR}${n}` : n);
      for (const def of l.tools) {
        const name = rename(def.name);
        const definition = name === def.name ? def : { ...def, name };
        claim(
          tools,
          name,
          {
            name,
            definition,
            originalName: def.name,
            upstream: l.upstream,
            builtin: undefined,
            drifted: l.drifted?.has(def.name) ?? false,
          },
          'tool',
        );
      }
      for (const def of l.prompts) {
        if (typeof def.name !== 'string') continue;
        const name = rename(def.name);
        const definition = name === def.name ? def : { ...def, name };
        claim(prompts, name, { name, definition, originalName: def.name, upstream: l.upstream }, 'prompt');
      }
      for (const def of l.resources) {
        if (typeof def.uri !== 'string') continue;
        claim(resources, def.uri, { upstream: l.upstream, definition: def }, 'resource');
      }
      for (const def of l.resourceTemplates) {
        if (typeof def.uriTemplate !== 'string') continue;
        templates.push({ upstream: l.upstream, definition: def, match: templateToRegExp(def.uriTemplate) });
      }
    }
    replaceMap(this.tools, tools);
    replaceMap(this.prompts, prompts);
    replaceMap(this.resources, resources);
    this.templates.length = 0;
    this.templates.push(...templates);
    this.version++;
  }

  /** The upstream that serves a resource URI, by exact URI, then by template. */
  resourceOwner(uri: string): string | undefined {
    const exact = this.resources.get(uri);
    if (exact) return exact.upstream;
    return this.templates.find((t) => t.match.test(uri))?.upstream;
  }
}

function replaceMap<K, V>(target: Map<K, V>, source: Map<K, V>): void {
  target.clear();
  for (const [k, v] of source) target.set(k, v);
}

/** RFC 6570 level-1 template → a matcher (each `{var}` matches one or more characters other than "/"). */
export function templateToRegExp(template: string): RegExp {
  const parts = template.split(/\{[^}]*\}/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]+')}$`);
}
