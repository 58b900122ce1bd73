import { newCorrelationId } from '../guard/correlation.js';
import type { AddressInfo } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { createRedactor, openAuditLog } from '../audit/index.js';
import { isLoopbackHost, parseListenAddress, storePath, type WardenConfig } from '../config/index.js';
import { Gateway, SERVER_INFO } from '../gateway/gateway.js';
import { createLogger, type Logger } from '../log/index.js';
import {
  checkAuthMode,
  createGuard,
  protectedResourceMetadata,
  refusalHeaders,
  resourceMetadataUrl,
} from '../guard/index.js';
import { compilePolicy } from '../policy/policy.js';
import type { Principal } from '../policy/principal.js';
import type { SandboxCommand } from '../upstream/index.js';
import { openSqliteKeyStore } from '../store/sqlite/keys.js';
import { openSqlitePinStore } from '../store/sqlite/pins.js';
import { createPinning } from '../pinning/index.js';
import type { WardenError } from '../errors/index.js';
import { createHttpFrontEnd, serveStdio, type HttpFrontEnd } from '../transport/index.js';
import { createBuiltins } from './builtins.js';

/** Options for {@link startWarden}. */
export interface StartWardenOptions {
  logger?: Logger;
  /** Serve one client over these streams instead of HTTP. */
  stdio?: { input: Readable; output: Writable };
}

/** A running Warden. */
export interface RunningWarden {
  gateway: Gateway;
  /** The bound HTTP address (HTTP mode). */
  address: AddressInfo | undefined;
  /** Resolves when the stdio client disconnects (stdio mode); never in HTTP mode. */
  done: Promise<void>;
  /** Drains in-flight calls, stops every upstream process, flushes the audit log. */
  stop(): Promise<void>;
}

/** Closers of what start-up has opened so far, run in reverse on stop or when start-up fails. */
class Resources {
  private readonly closers: Array<() => Promise<void> | void> = [];

  add<T>(resource: T, close: (resource: T) => Promise<void> | void): T {
    this.closers.push(() => close(resource));
    return resource;
  }

  async closeAll(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) await close();
  }
}

/** Like Promise.all, but waits for every step to settle (so each one that started is tracked) before failing. */
async function settleAll<T extends readonly unknown[]>(steps: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(steps);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** How long after the front end is up the argument validator starts loading. */
const VALIDATOR_LOAD_DELAY_MS = 50;

/** Wires configuration, guard, policy, audit, built-ins, upstreams and a front end into a running gateway. */
export async function startWarden(
  config: WardenConfig,
  options: StartWardenOptions = {},
): Promise<RunningWarden> {
  const resources = new Resources();
  try {
    return await assemble(config, options, resources);
  } catch (error) {
    // A start that fails part-way leaves nothing behind: no worker thread, child process or open store.
    await resources.closeAll();
    throw error;
  }
}

async function assemble(
  config: WardenConfig,
  options: StartWardenOptions,
  resources: Resources,
): Promise<RunningWarden> {
  const logger = options.logger ?? createLogger({ level: config.logging.level });
  const listen = parseListenAddress(config.listen.http);
  const loopback = options.stdio !== undefined || (listen !== undefined && isLoopbackHost(listen.host));
  checkAuthMode(config.auth, loopback);
  const file = storePath(config);
  const keys = resources.add(openSqliteKeyStore(file), (k) => k.close());
  // Independent start-up steps run together: metrics and telemetry load while keys, audit and built-ins open.
  const tracing = config.telemetry.traces || config.telemetry.otlpEndpoint !== undefined;
  // ajv loads just after the front end is up: start-up does not wait for it (nor share the thread with it); a
  // tool call that comes first waits for it.
  let loadValidator: () => void = () => undefined;
  const validator = new Promise<void>((resolve) => (loadValidator = resolve))
    .then(() => import('../policy/validate-args.js'))
    .then((m) => m.createArgValidator());
  validator.catch(() => undefined);
  const [guard, audit, pins, families, { createMetrics }, withCallSpan] = await settleAll([
    createGuard({
      auth: config.auth,
      limits: config.limits,
      keys,
      listenIsLoopback: loopback,
      mtls: config.listen.tls?.clientCa !== undefined,
      onError: (error) => logger.warn({ err: error }, 'guard background task failed'),
    }).then((g) => resources.add(g, (x) => x.close())),
    openAuditLog({
      file,
      sealKey: config.audit.sealKey,
      sealEveryRecords: config.audit.sealEveryRecords,
      retentionDays: config.audit.retentionDays,
      redactPatterns: config.redact.patterns,
      durability: config.audit.durability,
    }).then((a) => resources.add(a, (x) => x.close())),
    Promise.resolve().then(() => resources.add(openSqlitePinStore(file), (p) => p.close())),
    createBuiltins(config, (family) => resources.add(family, (f) => f.close?.())),
    import('../metrics/metrics.js'),
    // OpenTelemetry loads only when tracing is on.
    tracing ? import('../metrics/tracing.js').then((m) => m.withCallSpan) : Promise.resolve(undefined),
  ] as const);
  if (config.telemetry.otlpEndpoint !== undefined) {
    const { startOtlpTracing } = await import('../metrics/otlp.js');
    resources.add(await startOtlpTracing(config.telemetry.otlpEndpoint, SERVER_INFO.version), (t) =>
      t.shutdown(),
    );
  }
  const metrics = createMetrics();
  const redactor = createRedactor({ patterns: [...config.redact.patterns] });
  const gateway = new Gateway({
    config,
    logger,
    builtins: families.flatMap((f) => f.tools),
    policy: {
      http: compilePolicy(config.policy, { defaultEffect: config.policy.default ?? 'deny' }),
      stdio: compilePolicy(config.policy, { defaultEffect: config.policy.default ?? 'allow' }),
    },
    validator,
    limiter: guard.limiter,
    audit,
    metrics,
    resultRedactor: config.redact.results ? redactor : undefined,
    logRedactor: redactor,
    sandboxCommand: await sandboxFor(config),
    pinning: createPinning({ store: pins, mode: config.pinning.mode }),
    withCallSpan,
  });
  resources.add(gateway, (g) => g.stop());
  resources.add(setInterval(() => metrics.setAuditLag(audit.stats().lagMs), 5000).unref(), (t) =>
    clearInterval(t),
  );
  await gateway.start();

  let front: HttpFrontEnd | undefined;
  let address: AddressInfo | undefined;
  let done: Promise<void> = new Promise(() => undefined);
  if (options.stdio) {
    const principal: Principal = {
      id: config.auth.stdioPrincipal,
      groups: [],
      scopes: [],
      authMethod: 'stdio',
    };
    done = serveStdio({
      gateway,
      principal,
      logger,
      input: options.stdio.input,
      output: options.stdio.output,
      correlationId: () => newCorrelationId(),
    });
  } else {
    let resource = config.auth.resource;
    const httpGuard = {
      authenticate: guard.authenticate.bind(guard),
      correlationId: guard.correlationId.bind(guard),
      refusalHeaders: (error: WardenError) =>
        refusalHeaders(
          error,
          config.auth.mode === 'jwt' ? resourceMetadataUrl(resource ?? 'http://127.0.0.1/mcp') : undefined,
        ),
      protectedResourceMetadata: () =>
        config.auth.mode === 'jwt' ? protectedResourceMetadata(config.auth, resource) : undefined,
      credentialValid: guard.credentialValid.bind(guard),
    };
    const http = createHttpFrontEnd({
      config,
      gateway,
      guard: httpGuard,
      audit,
      logger,
      metrics,
      // Not ready while the audit log cannot write: every call would be refused.
      ready: () => !audit.stats().broken,
    });
    front = http;
    address = await http.listen();
    const scheme = config.listen.tls ? 'https' : 'http';
    resource ??= `${scheme}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/mcp`;
    logger.info({ address: `${address.address}:${address.port}` }, 'warden listening');
  }
  resources.add(setTimeout(loadValidator, VALIDATOR_LOAD_DELAY_MS), (t) => clearTimeout(t));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      // Stop taking connections, drain in-flight calls, then close everything start-up opened, in reverse.
      const closing = front?.close();
      await gateway.stop();
      front?.terminate();
      await closing;
      await resources.closeAll();
    })());
  return { gateway, address, done, stop };
}

async function sandboxFor(config: WardenConfig): Promise<SandboxCommand | undefined> {
  if (!Object.values(config.upstreams).some((u) => 'command' in u && u.sandbox)) return undefined;
  const { sandboxedCommand } = await import('../sandbox/index.js');
  return (command, args, env, cwd, sandbox) =>
    sandboxedCommand(command, args, {
      sandbox: { paths: [...sandbox.paths], writable: [...sandbox.writable], network: sandbox.network },
      env,
      cwd,
    });
}
