import * as z from 'zod';

/** Built-in file tools. Absent means the fs_* tools are not offered. */
export const fsConfigSchema = z
  .strictObject({
    roots: z
      .array(z.string().min(1))
      .min(1)
      .describe('Directories the file tools may touch; resolved with realpath at start.'),
    readOnly: z.boolean().default(false).describe('Refuse every write, move and delete.'),
    deny: z
      .array(z.string().min(1))
      .default([
        '**/.env',
        '**/.env.*',
        '**/.ssh/**',
        '**/*.pem',
        '**/*.key',
        '**/id_rsa*',
        '**/id_ed25519*',
        '**/.git/config',
      ])
      .describe('Glob patterns (relative to each root) that no tool may read, write, list or find.'),
    maxReadBytes: z
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024)
      .describe('Largest file fs_read returns, in bytes.'),
    maxWriteBytes: z
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024)
      .describe('Largest content fs_write accepts, in bytes.'),
    hardLinks: z
      .enum(['deny', 'allow'])
      .default('deny')
      .describe(
        'deny: refuse regular files with more than one hard link (they may alias a file outside the roots).',
      ),
    maxSearchResults: z.number().int().positive().default(1000).describe('Most matches fs_search returns.'),
    searchTimeoutMs: z
      .number()
      .int()
      .positive()
      .max(600_000)
      .default(5000)
      .describe('Most time fs_search spends matching file contents; past it the search ends with TIMEOUT.'),
  })
  .describe('Built-in file tools confined to roots.');

const programRuleSchema = z.strictObject({
  path: z
    .string()
    .optional()
    .describe('Absolute path of the program; default: resolved from a fixed system PATH at start.'),
  subcommands: z.array(z.string()).optional().describe('If set, the first argument must be one of these.'),
  allowOptions: z
    .array(z.string())
    .optional()
    .describe(
      'If set, only these options are accepted (long options may be abbreviated by callers; abbreviations are expanded before the check).',
    ),
  denyOptions: z
    .array(z.string())
    .optional()
    .describe('Options refused in addition to the built-in dangerous ones.'),
  maxArgs: z.number().int().positive().optional().describe('Most arguments accepted.'),
});

/** Built-in command tool. Absent means shell_run is not offered. */
export const shellConfigSchema = z
  .strictObject({
    allow: z
      .record(z.string(), programRuleSchema)
      .describe('Programs that may run, by name, each with its argument rules.'),
    cwd: z.string().optional().describe('Default working directory; must lie inside the fs roots.'),
    roots: z
      .array(z.string())
      .optional()
      .describe('Directories commands may reach; default: builtins.fs.roots, else cwd.'),
    timeoutMs: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe('Kill the whole process group after this many milliseconds.'),
    maxOutputBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024)
      .describe('Cap on each of stdout and stderr, in bytes.'),
    env: z
      .record(z.string(), z.string())
      .default({})
      .describe('Extra environment for commands; nothing else from Warden reaches them.'),
    sandbox: z
      .enum(['auto', 'bwrap', 'none'])
      .default('auto')
      .describe('auto: use bubblewrap when installed; bwrap: require it; none: argument path checks only.'),
  })
  .describe('Built-in command execution by allowlist, without a shell.');

/** Built-in HTTP fetch tool. Absent means http_fetch is not offered. */
export const httpConfigSchema = z
  .strictObject({
    allow: z
      .array(z.string())
      .default([])
      .describe('host[:port] or CIDR exceptions to the private-address block.'),
    httpsOnly: z.boolean().default(false).describe('Refuse plain http: URLs.'),
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(5 * 1024 * 1024)
      .describe('Largest response body, in bytes.'),
    timeoutMs: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe('Total time for a fetch including redirects, in milliseconds.'),
    maxRedirects: z.number().int().min(0).max(5).default(5).describe('Redirects followed, each re-checked.'),
  })
  .describe('Built-in SSRF-safe HTTP client.');

/** Built-in JavaScript sandbox. Absent means js_eval is not offered. */
export const jsConfigSchema = z
  .strictObject({
    memoryMb: z
      .number()
      .int()
      .positive()
      .max(1024)
      .default(64)
      .describe('Memory limit of one evaluation, in MiB.'),
    timeoutMs: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('Time limit of one evaluation, in milliseconds.'),
    stackKb: z
      .number()
      .int()
      .positive()
      .max(4096)
      .default(512)
      .describe('Stack limit of one evaluation, in KiB.'),
    maxOutputBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024)
      .describe('Cap on result plus captured console output, in bytes.'),
    workers: z
      .number()
      .int()
      .min(1)
      .max(16)
      .optional()
      .describe('Worker threads evaluating in parallel; default 2.'),
  })
  .describe('Built-in JavaScript evaluation in QuickJS (WebAssembly).');

/** Built-in OSC sender. Absent means osc_send is not offered. */
export const oscConfigSchema = z
  .strictObject({
    targets: z
      .array(z.string())
      .min(1)
      .describe('host:port UDP destinations that may receive messages; the first is the default.'),
    addresses: z
      .array(z.string())
      .default(['/**'])
      .describe('OSC address patterns (glob, ** spans parts) that may be sent.'),
    replyTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('How long osc_send waits for a reply when asked to.'),
    replyPort: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(0)
      .describe('UDP port on 127.0.0.1 for replies (AbletonOSC answers on 11001); 0 picks one.'),
  })
  .describe('Built-in OSC 1.0 messages over UDP to allowlisted devices.');

export const builtinsConfigSchema = z
  .strictObject({
    fs: fsConfigSchema.optional(),
    shell: shellConfigSchema.optional(),
    http: httpConfigSchema.optional(),
    js: jsConfigSchema.optional(),
    osc: oscConfigSchema.optional(),
    echo: z.strictObject({}).optional().describe('A trivial echo tool, for health checks and benchmarks.'),
  })
  .default({})
  .describe('Hardened built-in tools; each family is offered only when its key is present.');

export type FsConfig = z.output<typeof fsConfigSchema>;
export type ShellConfig = z.output<typeof shellConfigSchema>;
export type ShellProgramRule = z.output<typeof programRuleSchema>;
export type HttpConfig = z.output<typeof httpConfigSchema>;
export type JsConfig = z.output<typeof jsConfigSchema>;
export type OscConfig = z.output<typeof oscConfigSchema>;
export type BuiltinsConfig = z.output<typeof builtinsConfigSchema>;
