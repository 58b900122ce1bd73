import type { WardenConfig } from '../config/index.js';
import { WardenError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { errorResponse, notification, resultResponse } from '../mcp/jsonrpc.js';
import {
  RPC,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  type ToolDefinition,
} from '../mcp/wire.js';
import type { Principal } from '../policy/principal.js';
import type { withCallSpan } from '../metrics/tracing.js';
import type { Pinning } from '../pinning/index.js';
import type { BuiltinTool } from '../tools/types.js';
import { createUpstreamClient, type CreateUpstreamOptions, type UpstreamClient } from '../upstream/index.js';
import { reply, type Reply, type RequestFacts } from './call-context.js';
import { Catalog, type UpstreamListing } from './catalog.js';
import { screenListing } from './definition-screen.js';
import { toErrorResponse } from './error-response.js';
import { Subscriptions } from './subscriptions.js';
import { throttle, type Throttled } from './throttle.js';
import { forwardRequest, soleResourceUpstream } from './forward.js';
import { initializeSession, SERVER_INFO } from './initialize.js';
import { fetchListing, paginate } from './listing.js';
import { setLevel } from './log-level.js';
import type {
  ArgValidatorPort,
  AuditPort,
  LimiterPort,
  MetricsPort,
  PolicyPort,
  ResultRedactorPort,
} from './ports.js';
import { relayNotification, relayRequest, type NotificationSinks } from './relay.js';
import { ClientSession, type SessionChannel } from './session.js';
import { callTool, type ToolCallDeps } from './tool-call.js';

/** Options for {@link Gateway}. */
export interface GatewayOptions {
  config: WardenConfig;
  logger: Logger;
  builtins: BuiltinTool[];
  /** Policy for HTTP principals (deny by default) and for the stdio client (allow by default). */
  policy: { http: PolicyPort; stdio: PolicyPort };
  /** The argument validator, or a promise of it while its schema compiler loads. */
  validator: ArgValidatorPort | Promise<ArgValidatorPort>;
  limiter?: LimiterPort | undefined;
  audit: AuditPort;
  metrics?: MetricsPort | undefined;
  resultRedactor?: ResultRedactorPort | undefined;
  sandboxCommand?: CreateUpstreamOptions['sandboxCommand'];
  /** Masks secrets in text Warden logs on an upstream's behalf (its stderr). */
  logRedactor?: { redactText(text: string): string } | undefined;
  /** Wraps every tool call in an OpenTelemetry span (src/metrics/tracing.ts); absent means no tracing. */
  withCallSpan?: typeof withCallSpan | undefined;
  /** Tool-definition pins; absent means no pinning. */
  pinning?: Pinning | undefined;
}

/**
 * Least time between two fan-outs caused by notifications: a client's roots/list_changed to every upstream, and an
 * upstream's list_changed to a re-listing and to every session. A flood costs one fan-out per interval; the last
 * notification is never lost, only delayed to the interval's end.
 */
export const NOTIFICATION_FAN_OUT_INTERVAL_MS = 1000;

/**
 * How often the pin store is asked whether a pin was approved or removed (by `warden pins`, another process): a
 * tool hidden for a changed definition reappears, and clients are told, within about this long of its approval.
 */
export const PIN_POLL_INTERVAL_MS = 1000;

/** The aggregation of every upstream and built-in tool behind one MCP server face. */
export class Gateway {
  readonly upstreams = new Map<string, UpstreamClient>();
  readonly sessions = new Map<string, ClientSession>();
  catalog = new Catalog();
  private readonly deps: ToolCallDeps;
  private readonly subscriptions: Subscriptions;
  private readonly sinks: NotificationSinks;
  /** Re-listings of each upstream after its list_changed notifications, at most one per interval. */
  private readonly relistings = new Map<string, Throttled>();
  /** Clients' roots/list_changed, passed to every upstream at most once per interval. */
  private readonly rootsChanged = throttle(() => {
    for (const client of this.upstreams.values()) client.notify('notifications/roots/list_changed');
  }, NOTIFICATION_FAN_OUT_INTERVAL_MS);
  private draining = false;
  private stopping: Promise<void> | undefined;
  /** The pin store's revision that the listings reflect, and the timer that polls it. */
  private pinRevision: number | undefined;
  private pinPoll: NodeJS.Timeout | undefined;
  private active = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: GatewayOptions) {
    if (options.validator instanceof Promise) {
      void options.validator.then(
        (v) => (this.deps.validator = v),
        (error: unknown) =>
          options.logger.error({ err: error }, 'argument validator failed to load; tool calls are refused'),
      );
    }
    const { config, logger } = options;
    this.subscriptions = new Subscriptions((uri) => {
      const upstream = this.catalog.resourceOwner(uri) ?? soleResourceUpstream(this.upstreams);
      return upstream === undefined ? undefined : this.upstreams.get(upstream);
    }, logger);
    this.sinks = {
      logger,
      sessions: () => this.sessions.values(),
      subscriptionSource: (uri: string) => this.subscriptions.sourceOf(uri),
      listChanged: (upstream: string) => this.relistings.get(upstream)?.(),
    };
    for (const [name, upstream] of Object.entries(config.upstreams)) {
      this.relistings.set(
        name,
        throttle(() => void this.refresh(name), NOTIFICATION_FAN_OUT_INTERVAL_MS),
      );
      this.upstreams.set(
        name,
        createUpstreamClient(name, upstream, {
          logger,
          baseDir: config.baseDir,
          sandboxCommand: options.sandboxCommand,
          redactText: options.logRedactor ? (text) => options.logRedactor!.redactText(text) : undefined,
          capabilities: { sampling: {}, elicitation: { form: {}, url: {} }, roots: { listChanged: true } },
          clientInfo: { name: 'warden', version: SERVER_INFO.version },
          onRequest: (method, params, origin, signal) => relayRequest(name, method, params, origin, signal),
          onNotification: (method, params, origin) =>
            relayNotification(this.sinks, name, method, params, origin),
          onStateChange: (state) => this.onUpstreamState(name, state),
        }),
      );
    }
    this.deps = {
      catalog: this.catalog,
      upstreams: this.upstreams,
      policyFor: (session) => (session.transport === 'stdio' ? options.policy.stdio : options.policy.http),
      validator: options.validator instanceof Promise ? undefined : options.validator,
      pendingValidator: options.validator instanceof Promise ? options.validator : undefined,
      limiter: options.limiter,
      audit: options.audit,
      metrics: options.metrics,
      resultRedactor: options.resultRedactor,
      pinning: options.pinning,
      logger,
    };
  }

  /** Starts every upstream and builds the catalog; a name collision stops start-up with TOOL_NAME_COLLISION. */
  async start(): Promise<void> {
    // Read before the first listings: an approval made while they are taken is noticed by the first poll.
    this.pinRevision = this.readPinRevision();
    const listings = await Promise.all(
      [...this.upstreams.values()].map(async (client): Promise<UpstreamListing | undefined> => {
        try {
          await client.start();
          return this.pinned(this.screened(await fetchListing(client, this.prefixOf(client.name))));
        } catch (error) {
          this.options.logger.error(
            { upstream: client.name, err: error },
            'upstream did not start; retrying in the background',
          );
          return undefined;
        }
      }),
    );
    const built = Catalog.build(
      this.options.builtins,
      listings.filter((l): l is UpstreamListing => l !== undefined),
    );
    this.catalog = built;
    this.deps.catalog = built;
    this.watchPins();
  }

  /** Leaves out what an upstream lists with look-alike names or hidden characters (see screenListing). */
  private screened(listing: UpstreamListing): UpstreamListing {
    const { listing: kept, refused } = screenListing(listing, this.prefixedUpstreams);
    for (const r of refused) {
      this.options.logger.warn(
        { upstream: listing.upstream, kind: r.kind, name: r.name, reason: r.reason },
        'upstream definition refused; not listed',
      );
    }
    return kept;
  }

  /** Marks the tools whose definitions differ from their pins (and pins the ones seen for the first time). */
  private pinned(listing: UpstreamListing): UpstreamListing {
    const drifts = this.options.pinning?.check(listing.upstream, listing.tools) ?? [];
    for (const d of drifts) {
      this.options.logger.warn(
        { upstream: d.upstream, tool: d.tool, pinned: d.pinnedHash, now: d.currentHash },
        'tool definition changed since it was pinned; hidden until approved',
      );
    }
    return drifts.length === 0 ? listing : { ...listing, drifted: new Set(drifts.map((d) => d.tool)) };
  }

  /** Names of the upstreams whose tools are prefixed: no other upstream may list names in their namespaces. */
  private get prefixedUpstreams(): string[] {
    return Object.keys(this.options.config.upstreams).filter((name) => this.prefixOf(name));
  }

  private prefixOf(name: string): boolean {
    return this.options.config.upstreams[name]?.prefix ?? true;
  }

  /** Polls the pin store's revision while upstreams are pinned. */
  private watchPins(): void {
    if (!this.options.pinning || this.upstreams.size === 0) return;
    this.pinPoll = setInterval(() => this.checkPins(), PIN_POLL_INTERVAL_MS);
    this.pinPoll.unref();
  }

  /**
   * After an approval or removal, lists every upstream again: the listing is checked against the pins as when an
   * upstream announces a change (an approved definition it still serves is shown again, a removed pin is taken
   * afresh from what it serves now), and sessions are told that the lists changed.
   */
  private checkPins(): void {
    const revision = this.readPinRevision();
    if (revision === undefined || revision === this.pinRevision) return;
    this.pinRevision = revision;
    for (const relisting of this.relistings.values()) relisting();
  }

  /** The pin store's revision; undefined when it cannot be read (listings stay as they are: fail closed). */
  private readPinRevision(): number | undefined {
    try {
      return this.options.pinning?.revision();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'pin store could not be read; listings left as they are');
      return undefined;
    }
  }

  private onUpstreamState(name: string, state: string): void {
    this.options.metrics?.setUpstreamHealth(name, state === 'ready');
    const client = this.upstreams.get(name);
    // After a restart the tool list may differ: list again (and tell clients) once it is back.
    if (state === 'ready' && client && client.restarts > 0) {
      this.options.metrics?.upstreamRestart(name);
      void this.refresh(name);
    }
  }

  private async refresh(name: string): Promise<void> {
    const client = this.upstreams.get(name);
    if (!client || client.state !== 'ready') return;
    try {
      const listing = this.pinned(this.screened(await fetchListing(client, this.prefixOf(name))));
      const collision = this.catalog.replace(listing);
      if (collision)
        this.options.logger.error({ upstream: name, err: collision }, 'upstream listing refused');
    } catch (error) {
      this.options.logger.warn({ upstream: name, err: error }, 'upstream listing failed');
      return;
    }
    for (const session of this.sessions.values()) {
      for (const kind of ['tools', 'prompts', 'resources'])
        session.channel.send(notification(`notifications/${kind}/list_changed`));
    }
  }

  /** True when every upstream marked `required` is ready. */
  ready(): boolean {
    return [...this.upstreams.values()].every(
      (c) => c.state === 'ready' || !this.options.config.upstreams[c.name]?.required,
    );
  }

  /** State of each upstream, for health endpoints. */
  health(): Record<string, string> {
    return Object.fromEntries([...this.upstreams.values()].map((c) => [c.name, c.state]));
  }

  /** Opens a session for an authenticated client. */
  openSession(
    principal: Principal,
    transport: 'http' | 'stdio',
    channel: SessionChannel,
    clientAddress?: string,
  ): ClientSession {
    if (this.draining) throw new WardenError('SHUTTING_DOWN');
    const session = new ClientSession(principal, transport, channel, clientAddress);
    this.sessions.set(session.id, session);
    return session;
  }

  /** Closes a session, its calls and its subscriptions. */
  closeSession(session: ClientSession): void {
    session.close();
    this.sessions.delete(session.id);
    this.subscriptions.drop(session);
  }

  /** Handles a notification from a client. */
  handleNotification(session: ClientSession, message: JsonRpcNotification): void {
    session.lastActiveMs = Date.now();
    switch (message.method) {
      case 'notifications/initialized':
        session.initialized = true;
        return;
      case 'notifications/cancelled': {
        const id = message.params?.requestId;
        if (typeof id === 'string' || typeof id === 'number') session.inflight.get(id)?.abort();
        return;
      }
      case 'notifications/roots/list_changed':
        this.rootsChanged();
        return;
      default:
        return;
    }
  }

  /** Handles a request from a client; the reply is serialised once for whichever transport sends it. */
  async handleRequest(session: ClientSession, request: JsonRpcRequest, facts: RequestFacts): Promise<Reply> {
    session.lastActiveMs = Date.now();
    if (this.draining)
      return reply(errorResponse(request.id, RPC.INTERNAL_ERROR, 'SHUTTING_DOWN: Warden is shutting down'));
    this.active++;
    try {
      if (request.method === 'tools/call') {
        if (!session.protocolVersion)
          return reply(
            errorResponse(request.id, RPC.INVALID_REQUEST, 'NOT_INITIALIZED: send initialize first'),
          );
        const withCallSpan = this.options.withCallSpan;
        if (!withCallSpan) return await callTool(this.deps, session, request, facts);
        const tool = typeof request.params?.name === 'string' ? request.params.name : '';
        return await withCallSpan(
          'tools/call',
          { correlationId: facts.correlationId, tool, principal: session.principal.id },
          () => callTool(this.deps, session, request, facts),
        );
      }
      const answer = await this.dispatch(session, request, facts);
      return 'body' in answer ? answer : reply(answer);
    } catch (error) {
      const answer = reply(toErrorResponse(request, error, this.options.logger));
      return error instanceof WardenError && error.status === 429 ? { ...answer, refusal: error } : answer;
    } finally {
      if (--this.active === 0 && this.idleWaiters.length > 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async dispatch(
    session: ClientSession,
    request: JsonRpcRequest,
    facts: RequestFacts,
  ): Promise<JsonRpcResponse | Reply> {
    const { id, method, params } = request;
    if (method === 'initialize') return resultResponse(id, initializeSession(session, params));
    if (method === 'ping') return resultResponse(id, {});
    if (!session.protocolVersion)
      return errorResponse(id, RPC.INVALID_REQUEST, 'NOT_INITIALIZED: send initialize first');
    switch (method) {
      case 'tools/list': {
        const tools: ToolDefinition[] = [];
        for (const t of this.catalog.tools.values()) if (!t.drifted) tools.push(t.definition);
        return resultResponse(
          id,
          paginate(
            this.deps.policyFor(session).visibleTools(session.principal, tools),
            params?.cursor,
            'tools',
          ),
        );
      }
      case 'prompts/list': {
        const prompts = [...this.catalog.prompts.values()].map((p) => ({
          name: `prompt:${p.name}`,
          definition: p.definition,
        }));
        const visible = this.deps.policyFor(session).visibleTools(session.principal, prompts);
        return resultResponse(
          id,
          paginate(
            visible.map((p) => p.definition),
            params?.cursor,
            'prompts',
          ),
        );
      }
      case 'resources/list': {
        const resources = [...this.catalog.resources.entries()].map(([uri, r]) => ({
          name: `resource:${uri}`,
          definition: r.definition,
        }));
        const visible = this.deps.policyFor(session).visibleTools(session.principal, resources);
        return resultResponse(
          id,
          paginate(
            visible.map((r) => r.definition),
            params?.cursor,
            'resources',
          ),
        );
      }
      case 'resources/templates/list':
        return resultResponse(
          id,
          paginate(
            this.catalog.templates.map((t) => t.definition),
            params?.cursor,
            'resourceTemplates',
          ),
        );
      case 'logging/setLevel':
        return resultResponse(id, setLevel(session, params?.level));
      case 'resources/unsubscribe':
        return resultResponse(id, this.subscriptions.remove(session, params?.uri));
      default:
        return forwardRequest(
          { ...this.deps, catalog: this.catalog, subscriptions: this.subscriptions },
          session,
          request,
          facts,
        );
    }
  }

  /** Stops taking calls, waits up to `drainMs` for in-flight ones, then closes sessions and upstreams. */
  stop(drainMs = 10_000): Promise<void> {
    this.stopping ??= this.drainAndClose(drainMs);
    return this.stopping;
  }

  private async drainAndClose(drainMs: number): Promise<void> {
    this.draining = true;
    if (this.active > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, drainMs);
        this.idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    for (const session of [...this.sessions.values()]) this.closeSession(session);
    this.rootsChanged.cancel();
    clearInterval(this.pinPoll);
    for (const relisting of this.relistings.values()) relisting.cancel();
    await Promise.all([...this.upstreams.values()].map((c) => c.close()));
  }
}

export { SERVER_INFO } from './initialize.js';
export { toErrorResponse } from './error-response.js';
