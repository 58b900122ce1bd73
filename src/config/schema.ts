import * as z from 'zod';
import { authConfigSchema, limitsConfigSchema, policyConfigSchema } from './access.js';
import { builtinsConfigSchema } from './builtins.js';

/** Default Streamable HTTP listen address: loopback only. */
export const DEFAULT_LISTEN_HTTP = '127.0.0.1:8787';
/** Default cap on one HTTP request body. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Default time an upstream call may take. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 60_000;

const listenSchema = z
  .strictObject({
    http: z
      .string()
      .default(DEFAULT_LISTEN_HTTP)
      .describe('host:port of the Streamable HTTP listener; never all interfaces unless written here.'),
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_MAX_BODY_BYTES)
      .describe('Largest request body accepted, in bytes.'),
    allowedHosts: z
      .array(z.string())
      .default([])
      .describe('Extra Host header values accepted (the listen address and localhost forms always are).'),
    allowedOrigins: z
      .array(z.string())
      .default([])
      .describe('Browser Origins accepted besides the listener’s own.'),
    maxSessions: z.number().int().positive().default(10_000).describe('Most concurrent MCP sessions.'),
    maxSessionsPerPrincipal: z
      .number()
      .int()
      .positive()
      .default(256)
      .describe(
        'Sessions one principal may hold; a new one replaces that principal’s least recently used idle session.',
      ),
    sessionIdleMs: z
      .number()
      .int()
      .positive()
      .default(30 * 60_000)
      .describe('Sessions idle this long are closed, in milliseconds.'),
    tls: z
      .strictObject({
        cert: z.string().describe('PEM certificate chain file.'),
        key: z.string().describe('PEM private key file.'),
        clientCa: z
          .string()
          .optional()
          .describe('PEM CA file; when set, clients must present a certificate it signed (mTLS).'),
      })
      .optional()
      .describe('Serve HTTPS instead of HTTP.'),
  })
  .default({
    http: DEFAULT_LISTEN_HTTP,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    allowedHosts: [],
    allowedOrigins: [],
    maxSessions: 10_000,
    maxSessionsPerPrincipal: 256,
    sessionIdleMs: 30 * 60_000,
  })
  .describe('Where Warden listens.');

const upstreamCommon = {
  prefix: z
    .boolean()
    .default(true)
    .describe('true: tools are named "<upstream>__<tool>"; false: names pass unchanged.'),
  timeoutMs: z
    .number()
    .int()
    .positive()
    .default(DEFAULT_UPSTREAM_TIMEOUT_MS)
    .describe('Longest a call may take, in milliseconds.'),
  required: z.boolean().default(false).describe('/readyz fails while this upstream is down.'),
};

const stdioUpstreamSchema = z.strictObject({
  command: z.string().min(1).describe('Program to launch (no shell).'),
  args: z.array(z.string()).default([]).describe('Its arguments.'),
  env: z
    .record(z.string(), z.string())
    .default({})
    .describe('Environment for the child: only what is listed here (plus PATH and HOME) reaches it.'),
  cwd: z.string().optional().describe('Working directory of the child.'),
  sandbox: z
    .strictObject({
      paths: z
        .array(z.string())
        .default([])
        .describe('Extra host paths visible read-only inside the sandbox.'),
      writable: z.array(z.string()).default([]).describe('Host paths visible read-write.'),
      network: z.boolean().default(false).describe('Allow network access.'),
    })
    .optional()
    .describe(
      'Run the child under bubblewrap: read-only system, private /tmp, no network, new PID namespace.',
    ),
  ...upstreamCommon,
});

const httpUpstreamSchema = z.strictObject({
  url: z.string().url().describe('Endpoint of the upstream server.'),
  transport: z
    .enum(['streamable-http', 'sse'])
    .default('streamable-http')
    .describe('sse: the legacy HTTP+SSE transport.'),
  headers: z
    .record(z.string(), z.string())
    .default({})
    .describe('Headers sent with every request (use ${env:NAME} for secrets).'),
  allow: z
    .array(z.string())
    .default([])
    .describe(
      'address[:port] or CIDR exceptions to the private-address block, when url names a host: each new connection resolves it and is refused if an answer is loopback, private, link-local or another special address not listed here. An address or localhost in url connects as written.',
    ),
  ...upstreamCommon,
});

export const upstreamSchema = z.union([stdioUpstreamSchema, httpUpstreamSchema]);

const auditSchema = z
  .strictObject({
    sealKey: z
      .string()
      .optional()
      .describe('Secret for HMAC seals of the chain head (use ${env:NAME}); kept outside the store.'),
    sealEveryRecords: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('Seal the chain head after this many records.'),
    retentionDays: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Delete sealed records older than this many days.'),
    durability: z
      .enum(['fsync', 'os'])
      .default('fsync')
      .describe(
        'fsync: a reply leaves only after its record is on disk (survives power loss); os: after it is in the OS (survives a Warden crash, not a power loss), much faster on slow disks.',
      ),
  })
  .default({ sealEveryRecords: 1000, durability: 'fsync' })
  .describe('Tamper-evident audit log.');

const redactSchema = z
  .strictObject({
    results: z.boolean().default(false).describe('Also mask secrets in results returned to clients.'),
    patterns: z.array(z.string()).default([]).describe('Extra regular expressions whose matches are masked.'),
  })
  .default({ results: false, patterns: [] })
  .describe('Secret redaction.');

/** The whole of warden.yaml. */
export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Editor hint; ignored.'),
    listen: listenSchema,
    auth: authConfigSchema,
    store: z
      .strictObject({
        sqlite: z.string().default('.warden/warden.db').describe('SQLite file, relative to the config file.'),
      })
      .default({ sqlite: '.warden/warden.db' })
      .describe('Where keys, pins and audit records are kept.'),
    upstreams: z
      .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/), upstreamSchema)
      .default({})
      .describe('MCP servers behind Warden, by name.'),
    builtins: builtinsConfigSchema,
    limits: limitsConfigSchema,
    policy: policyConfigSchema,
    pinning: z
      .strictObject({
        mode: z
          .enum(['tofu', 'off'])
          .default('tofu')
          .describe(
            'tofu: pin each upstream tool definition when first seen; a changed definition is hidden and refused until reviewed with "warden pins show" and approved with "warden pins approve --hash".',
          ),
      })
      .default({ mode: 'tofu' })
      .describe('Tool-definition pinning against rug pulls.'),
    audit: auditSchema,
    redact: redactSchema,
    logging: z
      .strictObject({
        level: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info')
          .describe('Lowest level written.'),
      })
      .default({ level: 'info' })
      .describe('JSON logs on stderr.'),
    telemetry: z
      .strictObject({
        traces: z
          .boolean()
          .default(false)
          .describe(
            'Record an OpenTelemetry span per call (carrying the correlation id) with the registered tracer provider.',
          ),
        otlpEndpoint: z
          .string()
          .url()
          .optional()
          .describe('OTLP/HTTP traces endpoint; setting it turns traces on and exports them there.'),
      })
      .default({ traces: false })
      .describe('OpenTelemetry.'),
  })
  .describe('Warden configuration (warden.yaml).');

export type WardenConfigInput = z.input<typeof configSchema>;
export type UpstreamConfig = z.output<typeof upstreamSchema>;
export type StdioUpstreamConfig = z.output<typeof stdioUpstreamSchema>;
export type HttpUpstreamConfig = z.output<typeof httpUpstreamSchema>;

/** A parsed, normalised and frozen configuration. `baseDir` is the folder relative paths resolve against. */
export type WardenConfig = z.output<typeof configSchema> & {
  readonly baseDir: string;
  readonly file: string | undefined;
};

export function isStdioUpstream(u: UpstreamConfig): u is StdioUpstreamConfig {
  return 'command' in u;
}
