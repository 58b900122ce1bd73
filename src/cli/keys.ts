import { Command, InvalidArgumentError } from 'commander';
import { loadConfig, storePath } from '../config/index.js';
import { isWardenError, publicMessage } from '../errors/index.js';
import { parseCidr } from '../guard/cidr.js';
import type { ApiKeyRecord, IssuedApiKey, KeyStore } from '../store/keys.js';
import { openSqliteKeyStore } from '../store/sqlite/keys.js';
import { DEFAULT_CONFIG_FILE, processIo, type CliIo } from './io.js';
import { table } from './table.js';

/** How the keys commands talk to the outside world; tests pass their own. */
export interface KeysCliIo extends CliIo {
  /** Receives each command's exit code (the CLI entry decides when to exit). */
  setExitCode(code: number): void;
  /** @default Date.now */
  now?: () => number;
}

/** Exit codes: 0 success, 1 no such key, 2 usage, configuration or store error. */
export const KEYS_EXIT_OK = 0;
export const KEYS_EXIT_NOT_FOUND = 1;
export const KEYS_EXIT_USAGE = 2;

/** Longest principal, group or scope name accepted. */
export const MAX_NAME_CHARS = 256;

const DURATION_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

interface StoreFlags {
  config: string;
  db?: string | undefined;
}

/** Parses `30d`, `12h`, `90m`, `45s`, `2w` into milliseconds. */
export function parseDuration(value: string): number {
  const m = /^(\d{1,6})([smhdw])$/.exec(value.trim());
  if (!m?.[1] || !m[2] || Number(m[1]) === 0)
    throw new InvalidArgumentError('use a duration such as 30d, 12h, 90m, 45s or 2w');
  return Number(m[1]) * (DURATION_MS[m[2]] ?? 0);
}

function parseName(value: string): string {
  // Control characters would let a name forge lines in listings and logs.
  if (value === '' || value.length > MAX_NAME_CHARS || /\p{Cc}/u.test(value)) {
    throw new InvalidArgumentError(`must be 1 to ${MAX_NAME_CHARS} characters without control characters`);
  }
  return value;
}

function parseList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(parseName);
}

function parseCidrList(value: string): string[] {
  const list = parseList(value);
  for (const entry of list) {
    try {
      parseCidr(entry);
    } catch (error) {
      throw new InvalidArgumentError(isWardenError(error) ? error.message : 'invalid CIDR');
    }
  }
  return list;
}

async function openStore(flags: StoreFlags, io: KeysCliIo): Promise<KeyStore> {
  const file = flags.db ?? storePath(await loadConfig(flags.config, io.env));
  return openSqliteKeyStore(file);
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function status(record: ApiKeyRecord, now: number): 'active' | 'revoked' | 'expired' {
  if (record.revokedAt !== null) return 'revoked';
  if (record.expiresAt !== null && record.expiresAt <= now) return 'expired';
  return 'active';
}

/** A record as shown to people and scripts: never the hash. */
function publicRecord(record: ApiKeyRecord, now: number): Record<string, unknown> {
  return {
    id: record.id,
    name: record.name,
    principal: record.principal,
    groups: record.groups,
    scopes: record.scopes,
    prefix: record.prefix,
    ipAllow: record.ipAllow,
    createdAt: iso(record.createdAt),
    expiresAt: iso(record.expiresAt),
    revokedAt: iso(record.revokedAt),
    lastUsedAt: iso(record.lastUsedAt),
    status: status(record, now),
  };
}

function printIssued(issued: IssuedApiKey, json: boolean, io: KeysCliIo, now: number): void {
  if (json) {
    io.write(`${JSON.stringify({ key: issued.key, ...publicRecord(issued.record, now) })}\n`);
    return;
  }
  const r = issued.record;
  io.write(`${issued.key}\n`);
  io.writeError(
    `Created key ${r.id} for principal ${r.principal}${r.expiresAt === null ? '' : `, expires ${iso(r.expiresAt)}`}.\n` +
      'This is the only time the key is shown; store it now.\n',
  );
}

async function withStore(
  flags: StoreFlags,
  io: KeysCliIo,
  task: (store: KeyStore) => Promise<number>,
): Promise<number> {
  try {
    const store = await openStore(flags, io);
    try {
      return await task(store);
    } finally {
      await store.close();
    }
  } catch (error) {
    io.writeError(`${isWardenError(error) ? error.message : publicMessage(error)}\n`);
    return KEYS_EXIT_USAGE;
  }
}

interface CreateFlags extends StoreFlags {
  principal: string;
  name?: string;
  groups?: string[];
  scopes?: string[];
  expires?: number;
  ipAllow?: string[];
  json?: boolean;
}

/** `warden keys …`: create, list, revoke and rotate API keys. */
export function keysCommand(io: Partial<KeysCliIo> = {}): Command {
  const cli: KeysCliIo = { ...processIo, setExitCode: (code) => void (process.exitCode = code), ...io };
  const now = (): number => (cli.now ?? Date.now)();
  const keys = new Command('keys').description('Manage API keys (shown once, stored only as a hash).');
  const storeOptions = (c: Command): Command =>
    c
      .option('--config <file>', 'warden.yaml naming the store', DEFAULT_CONFIG_FILE)
      .option('--db <file>', 'SQLite store file (overrides --config)');

  storeOptions(keys.command('create'))
    .description('Create a key and print it once.')
    .requiredOption('--principal <name>', 'principal the key authenticates as', parseName)
    .option('--name <name>', 'label shown in listings', parseName)
    .option('--groups <list>', 'comma-separated groups', parseList)
    .option('--scopes <list>', 'comma-separated scopes', parseList)
    .option('--expires <duration>', 'lifetime, e.g. 30d, 12h', parseDuration)
    .option('--ip-allow <cidrs>', 'comma-separated CIDRs the key may be used from', parseCidrList)
    .option('--json', 'print {"key": ..., ...} as JSON')
    .action(async (flags: CreateFlags) => {
      const code = await withStore(flags, cli, async (store) => {
        const at = now();
        const issued = await store.create(
          {
            principal: flags.principal,
            ...(flags.name === undefined ? {} : { name: flags.name }),
            groups: flags.groups ?? [],
            scopes: flags.scopes ?? [],
            expiresAt: flags.expires === undefined ? null : at + flags.expires,
            ipAllow: flags.ipAllow ?? [],
          },
          at,
        );
        printIssued(issued, flags.json === true, cli, at);
        return KEYS_EXIT_OK;
      });
      cli.setExitCode(code);
    });

  storeOptions(keys.command('list'))
    .description('List keys (never the secrets).')
    .option('--json', 'print JSON')
    .action(async (flags: StoreFlags & { json?: boolean }) => {
      const code = await withStore(flags, cli, async (store) => {
        const at = now();
        const records = (await store.list()).map((r) => publicRecord(r, at));
        if (flags.json === true) cli.write(`${JSON.stringify(records)}\n`);
        else {
          const header = ['ID', 'NAME', 'PRINCIPAL', 'GROUPS', 'PREFIX', 'STATUS', 'EXPIRES', 'LAST USED'];
          const rows = records.map((r) =>
            [
              r.id,
              r.name,
              r.principal,
              (r.groups as string[]).join(','),
              r.prefix,
              r.status,
              r.expiresAt ?? '-',
              r.lastUsedAt ?? '-',
            ].map(String),
          );
          cli.write(`${table([header, ...rows])}\n`);
        }
        return KEYS_EXIT_OK;
      });
      cli.setExitCode(code);
    });

  storeOptions(keys.command('revoke'))
    .description('Revoke a key; running gateways refuse it within a second.')
    .argument('<id>', 'key id')
    .action(async (id: string, flags: StoreFlags) => {
      const code = await withStore(flags, cli, async (store) => {
        if (!(await store.revoke(id, now()))) {
          cli.writeError('no such key\n');
          return KEYS_EXIT_NOT_FOUND;
        }
        cli.writeError(`Revoked ${id}.\n`);
        return KEYS_EXIT_OK;
      });
      cli.setExitCode(code);
    });

  storeOptions(keys.command('rotate'))
    .description('Issue a new key with the same attributes and revoke the old one.')
    .argument('<id>', 'key id')
    .option('--json', 'print {"key": ..., ...} as JSON')
    .action(async (id: string, flags: StoreFlags & { json?: boolean }) => {
      const code = await withStore(flags, cli, async (store) => {
        const at = now();
        const issued = await store.rotate(id, at);
        if (!issued) {
          cli.writeError('no such active key\n');
          return KEYS_EXIT_NOT_FOUND;
        }
        cli.writeError(`Revoked ${id}.\n`);
        printIssued(issued, flags.json === true, cli, at);
        return KEYS_EXIT_OK;
      });
      cli.setExitCode(code);
    });

  return keys;
}
