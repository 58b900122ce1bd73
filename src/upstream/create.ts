import { resolve } from 'node:path';
import {
  isStdioUpstream,
  type HttpUpstreamConfig,
  type StdioUpstreamConfig,
  type UpstreamConfig,
} from '../config/index.js';
import { WardenError, isWardenError } from '../errors/index.js';
import { parseAllowList, type AddressAllowList, type Resolver } from '../net/index.js';
import { agentFetch } from './agent-fetch.js';
import { UpstreamClient, type UpstreamClientOptions } from './client.js';
import { ACK_TIMEOUT_MS, StreamableHttpTransport } from './http-transport.js';
import { StdioTransport } from './stdio-transport.js';
import type { UpstreamTransport } from './transport.js';
import { createUpstreamAgent, type UpstreamAgent } from './upstream-agent.js';

/** Variables a stdio upstream inherits from Warden's own environment; everything else must be listed in config. */
const INHERITED_ENV = ['PATH', 'HOME', 'LANG', 'TZ'] as const;

/** Rewrites a stdio upstream's command line to run it inside a sandbox. */
export type SandboxCommand = (
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd: string | undefined,
  sandbox: NonNullable<StdioUpstreamConfig['sandbox']>,
) => { command: string; args: string[] };

/** Options for {@link createUpstreamClient}. */
export type CreateUpstreamOptions = Omit<UpstreamClientOptions, 'connect' | 'defaultTimeoutMs'> & {
  /** Folder that a relative `cwd` resolves against. */
  baseDir?: string;
  /** Builds the sandboxed command line when `sandbox:` is set (bubblewrap). */
  sandboxCommand?: SandboxCommand | undefined;
  /** Masks secrets in the child's stderr before it is logged. */
  redactText?: ((text: string) => string) | undefined;
  /** Resolves the host names of HTTP upstreams; tests inject one. @default the system resolver */
  resolve?: Resolver | undefined;
};

/** The environment a stdio upstream child receives: a few safe basics plus exactly what its config lists. */
export function childEnvironment(
  configured: Readonly<Record<string, string>>,
  parent: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_ENV) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...configured };
}

/** Builds the client for one configured upstream (stdio, Streamable HTTP or legacy HTTP+SSE). */
export function createUpstreamClient(
  name: string,
  config: UpstreamConfig,
  options: CreateUpstreamOptions,
): UpstreamClient {
  const logger = options.logger.child({ upstream: name });
  let connect: () => UpstreamTransport;
  if (isStdioUpstream(config)) {
    const env = childEnvironment(config.env);
    const cwd = config.cwd === undefined ? undefined : resolve(options.baseDir ?? process.cwd(), config.cwd);
    connect = () => {
      let command = config.command;
      let args = [...config.args];
      if (config.sandbox) {
        if (!options.sandboxCommand) throw new Error('sandboxCommand missing for a sandboxed upstream');
        ({ command, args } = options.sandboxCommand(command, args, env, cwd, config.sandbox));
      }
      return new StdioTransport({ command, args, env, cwd, logger, redactText: options.redactText });
    };
  } else {
    connect = httpConnect(name, config, logger, options.resolve);
  }
  return new UpstreamClient(name, {
    ...options,
    logger,
    connect,
    defaultTimeoutMs: config.timeoutMs,
    restart: options.restart ?? true,
  });
}

function httpConnect(
  name: string,
  config: HttpUpstreamConfig,
  logger: CreateUpstreamOptions['logger'],
  resolver: Resolver | undefined,
): () => UpstreamTransport {
  // The config check has reported a bad entry already; this throw only guards callers that skip it.
  const allow = parseAllowList(config.allow, { setting: `upstreams.${name}.allow`, names: false });
  // An upstream that must answer calls within timeoutMs gets no longer to acknowledge a message.
  const ackTimeoutMs = Math.min(config.timeoutMs, ACK_TIMEOUT_MS);
  if (config.transport === 'sse') {
    const addresses = { name, allow, resolve: resolver };
    return () => new LazyLegacySse(config.url, config.headers, addresses, { logger, ackTimeoutMs });
  }
  return () =>
    new StreamableHttpTransport({
      name,
      url: config.url,
      headers: config.headers,
      logger,
      ackTimeoutMs,
      allow,
      resolve: resolver,
    });
}

/** Loads the SDK-based legacy SSE client only when an upstream needs it, keeping start-up light. */
class LazyLegacySse implements UpstreamTransport {
  onmessage?: (message: unknown) => void;
  onclose?: (reason: string) => void;
  private pipe: import('../mcp/legacy-sse.js').LegacySsePipe | undefined;
  private readonly upstream: UpstreamAgent;
  /** The last connection Warden refused (or failed) itself; the SDK reports it only as text. */
  private refusal: WardenError | undefined;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
    addresses: { name: string; allow: AddressAllowList; resolve: Resolver | undefined },
    private readonly options: { logger: CreateUpstreamOptions['logger']; ackTimeoutMs: number },
  ) {
    this.upstream = createUpstreamAgent(new URL(url), addresses);
  }

  async start(): Promise<void> {
    const { createLegacySsePipe } = await import('../mcp/legacy-sse.js');
    const fetch = agentFetch(this.upstream);
    const pipe = createLegacySsePipe(this.url, this.headers, {
      fetch: (url, init) =>
        fetch(url, init).catch((error: unknown) => {
          if (isWardenError(error)) this.refusal = error;
          throw error;
        }),
      postTimeoutMs: this.options.ackTimeoutMs,
      onDropped: (reason) => this.options.logger.warn(reason),
    });
    pipe.onmessage = (m) => this.onmessage?.(m);
    pipe.onclose = (r) => {
      this.upstream.agent.destroy();
      this.onclose?.(r);
    };
    this.pipe = pipe;
    try {
      await pipe.start();
    } catch (error) {
      throw this.refusal ?? error;
    }
  }

  send(message: Parameters<UpstreamTransport['send']>[0]): Promise<void> {
    return this.pipe ? this.pipe.send(message) : Promise.reject(new Error('not started'));
  }

  async close(): Promise<void> {
    try {
      await this.pipe?.close();
    } finally {
      this.upstream.agent.destroy();
    }
  }
}
