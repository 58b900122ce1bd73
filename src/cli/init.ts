import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { DEFAULT_CONFIG_FILE, processIo, type CliIo } from './io.js';

/** The commented default configuration `warden init` writes: loopback, API keys, deny by default. */
export const DEFAULT_CONFIG_TEXT = `# Warden configuration. Reference: docs/configuration.md
# Check it with: warden config check --config warden.yaml

listen:
  http: 127.0.0.1:8787          # loopback only; another address must be written here on purpose

auth:
  mode: api-key                 # create a key with: warden keys create --principal you
  ipAllow: []                   # CIDRs allowed to connect (empty: whoever reaches the listener)

store:
  sqlite: .warden/warden.db     # keys, pins and the audit log

upstreams: {}
  # everything:                 # an MCP server Warden starts and guards (pin the version)
  #   command: npx
  #   args: [-y, "@modelcontextprotocol/server-everything@2026.8.31"]
  #   env: {}                   # only what is listed here reaches the child
  #   prefix: true              # its tools appear as everything__<tool>

builtins:
  fs:
    roots: [./workspace]        # the only directory the file tools can touch
    readOnly: true
  shell:
    cwd: ./workspace
    timeoutMs: 10000
    allow:                      # programs, by name, with their argument rules; never a shell
      ls: {}
      cat: {}
      head: {}
      wc: {}
      grep: {}
      git: { subcommands: [status, log, diff, show] }
  http:
    httpsOnly: true
    allow: []                   # private and loopback addresses stay blocked unless listed here
  js:
    memoryMb: 64
    timeoutMs: 1000

limits:
  principal: { max: 600, windowMs: 60000 }
  concurrency: 16

policy:
  # First matching rule decides; with no match, HTTP callers are denied.
  rules:
    - name: read-only tools
      tools: ["**"]
      effect: allow
      when: [{ annotation: readOnlyHint, equals: true }]
    - name: everything else needs a human
      tools: ["**"]
      effect: ask

audit:
  sealEveryRecords: 1000
  # sealKey: \${env:WARDEN_AUDIT_KEY}   # HMAC key for chain seals, kept outside the store

redact:
  results: false
`;

/** `warden init`: writes the default config (never over an existing file unless forced) and its workspace. */
export async function init(file: string, force: boolean, io: CliIo = processIo): Promise<number> {
  const path = resolve(file);
  try {
    await writeFile(path, DEFAULT_CONFIG_TEXT, { flag: force ? 'w' : 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      io.writeError(`warden: ${file} exists; use --force to overwrite\n`);
      return 1;
    }
    throw error;
  }
  await mkdir(resolve(dirname(path), 'workspace'), { recursive: true });
  io.write(`wrote ${file} and ./workspace\nnext: warden keys create --principal you, then warden serve\n`);
  return 0;
}

/** `warden init`. */
export function initCommand(setExitCode: (code: number) => void, io: CliIo = processIo): Command {
  return new Command('init')
    .description('Write a commented warden.yaml with secure defaults.')
    .option('-c, --config <file>', 'file to write', DEFAULT_CONFIG_FILE)
    .option('--force', 'overwrite an existing file', false)
    .action(async (opts: { config: string; force: boolean }) =>
      setExitCode(await init(opts.config, opts.force, io)),
    );
}
