import { resolve } from 'node:path';
import { isStdioUpstream, type StdioUpstreamConfig, type UpstreamConfig } from '../config/index.js';
import { UpstreamClient, type UpstreamClientOptions } from './client.js';
import { ACK_TIMEOUT_MS, StreamableHttpTransport } from './http-transport.js';
import { StdioTransport } from './stdio-transport.js';
import type { UpstreamTransport } from './transport.js';

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
  } else if (config.transport === 'sse') {
    connect = () => new LazyLegacySse(config.url, config.headers);
  } else {
    // An upstream that must answer calls within timeoutMs gets no longer to acknowledge a notification.
    const ackTimeoutMs = Math.min(config.timeoutMs, ACK_TIMEOUT_MS);
    connect = () =>
      new StreamableHttpTransport({ url: config.url, headers: config.headers, logger, ackTimeoutMs });
  }
  return new UpstreamClient(name, {
    ...options,
    logger,
    connect,
    defaultTimeoutMs: config.timeoutMs,
    restart: options.restart ?? true,
  });
}

/** Loads the SDK-based legacy SSE client only when an upstream needs it, keeping start-up light. */
class LazyLegacySse implements UpstreamTransport {
  onmessage?: (message: unknown) => void;
  onclose?: (reason: string) => void;
  private pipe: import('../mcp/legacy-sse.js').LegacySsePipe | undefined;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
  ) {}

  async start(): Promise<void> {
    const { createLegacySsePipe } = await import('../mcp/legacy-sse.js');
    const pipe = createLegacySsePipe(this.url, this.headers);
    pipe.onmessage = (m) => this.onmessage?.(m);
    pipe.onclose = (r) => this.onclose?.(r);
    this.pipe = pipe;
    await pipe.start();
  }

  send(message: Parameters<UpstreamTransport['send']>[0]): Promise<void> {
    return this.pipe ? this.pipe.send(message) : Promise.reject(new Error('not started'));
  }

  async close(): Promise<void> {
    await this.pipe?.close();
  }
}
