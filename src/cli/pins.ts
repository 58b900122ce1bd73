import { Command, InvalidArgumentError } from 'commander';
import { loadConfig, storePath } from '../config/index.js';
import { isWardenError, publicMessage } from '../errors/index.js';
import { definitionDiff, definitionLines, type PinStore, type ToolPin } from '../pinning/index.js';
import { openSqlitePinStore } from '../store/sqlite/pins.js';
import { DEFAULT_CONFIG_FILE, processIo, type CliIo } from './io.js';

/** Hex digits of a hash in one-line listings; `show` and `approve` always use all 64. */
const SHORT_HASH_CHARS = 16;

/** A full SHA-256 in hex: a prefix would let an upstream that controls both texts make two definitions match. */
const FULL_HASH = /^[0-9a-f]{64}$/i;

/**
 * Upstreams write tool definitions, so nothing from them reaches the terminal raw: control characters (ESC, C1
 * CSI), format characters (bidi overrides, zero-width, tags), line separators, lone surrogates, variation
 * selectors and Hangul fillers are shown as JSON `\u` escapes (still valid inside JSON strings).
 */
const TERMINAL_UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Variation_Selector}\u115F\u1160\u3164\uFFA0]/gu;

function printable(text: string): string {
  return text.replace(TERMINAL_UNSAFE, (c) => {
    let escaped = '';
    for (let i = 0; i < c.length; i++) escaped += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return escaped;
  });
}

/** Tab-separated, each field escaped on its own so the tabs stay tabs. */
function fields(...values: string[]): string {
  return values.map(printable).join('\t');
}

function when(pin: ToolPin): string {
  return new Date(pin.pinnedAt).toISOString();
}

async function openStore(configFile: string, io: CliIo): Promise<PinStore> {
  return openSqlitePinStore(storePath(await loadConfig(configFile, io.env)));
}

/** `warden pins list`: pinned tools, and changed definitions awaiting approval. */
export async function listPins(configFile: string, json: boolean, io: CliIo = processIo): Promise<number> {
  const store = await openStore(configFile, io);
  try {
    const pins = store.list();
    const pending = store.pending();
    if (json) {
      const strip = ({ definition: _d, ...p }: ToolPin): Omit<ToolPin, 'definition'> => p;
      io.write(`${printable(JSON.stringify({ pins: pins.map(strip), pending: pending.map(strip) }))}\n`);
      return 0;
    }
    const short = (p: ToolPin): string => p.hash.slice(0, SHORT_HASH_CHARS);
    for (const p of pins) io.write(`${fields(p.upstream, p.tool, short(p), when(p))}\n`);
    for (const p of pending) {
      const review = `review: warden pins show ${p.upstream} ${p.tool}`;
      io.write(`${fields('CHANGED', p.upstream, p.tool, short(p), review)}\n`);
    }
    return 0;
  } finally {
    store.close();
  }
}

/** `warden pins show UPSTREAM TOOL`: the pin and the definition awaiting approval, in full, with its whole hash. */
export async function showPin(
  configFile: string,
  upstream: string,
  tool: string,
  json: boolean,
  io: CliIo = processIo,
): Promise<number> {
  const store = await openStore(configFile, io);
  try {
    const pin = store.get(upstream, tool);
    const pending = store.getPending(upstream, tool);
    if (!pin && !pending) {
      io.writeError(`warden: nothing is pinned for ${printable(`${upstream} ${tool}`)}\n`);
      return 1;
    }
    if (json) io.write(`${printable(JSON.stringify({ pin: pin ?? null, pending: pending ?? null }))}\n`);
    else io.write(`${showText(upstream, tool, pin, pending).map(printable).join('\n')}\n`);
    return 0;
  } finally {
    store.close();
  }
}

function showText(upstream: string, tool: string, pin?: ToolPin, pending?: ToolPin): string[] {
  const lines = [
    `${upstream} ${tool}`,
    pin ? `pinned   ${pin.hash}  ${when(pin)}` : 'pinned   none',
    pending ? `pending  ${pending.hash}  first seen ${when(pending)}` : 'pending  none',
  ];
  if (!pending) return [...lines, ...definitionLines(pin?.definition ?? '').map((l) => `  ${l}`)];
  return [
    ...lines,
    '--- pinned',
    '+++ pending',
    ...definitionDiff(pin?.definition, pending.definition),
    'After reviewing it, approve exactly this definition with:',
    `  warden pins approve ${upstream} ${tool} --hash ${pending.hash}`,
  ];
}

/**
 * `warden pins approve UPSTREAM TOOL --hash SHA256`: pins the pending definition only if it is the one reviewed
 * (the hash `warden pins show` printed); the running gateway honours it at once.
 */
export async function approvePin(
  configFile: string,
  upstream: string,
  tool: string,
  hash: string | undefined,
  io: CliIo = processIo,
): Promise<number> {
  const name = printable(`${upstream} ${tool}`);
  if (hash === undefined) {
    // Approving whatever happened to be pending was the race the hash closes: there is no form without it.
    io.writeError(
      `warden: name the definition you reviewed: run "warden pins show ${name}", then "warden pins approve ${name} --hash <sha256>"\n`,
    );
    return 2;
  }
  const store = await openStore(configFile, io);
  try {
    switch (store.approve(upstream, tool, hash)) {
      case 'approved':
        io.write(`approved the new definition of ${name}: ${hash}\n`);
        return 0;
      case 'nothing-pending':
        io.writeError(`warden: no changed definition is waiting for ${name}\n`);
        return 1;
      case 'hash-mismatch':
        io.writeError(
          `warden: the definition waiting for ${name} is not the one with hash ${hash.slice(0, SHORT_HASH_CHARS)}…; nothing was approved (review it again: warden pins show ${name})\n`,
        );
        return 1;
    }
  } finally {
    store.close();
  }
}

function parseHash(value: string): string {
  if (!FULL_HASH.test(value))
    throw new InvalidArgumentError('give the full 64-digit SHA-256 that "warden pins show" printed');
  return value.toLowerCase();
}

async function guarded(task: () => Promise<number>, io: CliIo): Promise<number> {
  try {
    return await task();
  } catch (error) {
    io.writeError(`warden: ${isWardenError(error) ? error.message : publicMessage(error)}\n`);
    return 2;
  }
}

/** `warden pins …`. */
export function pinsCommand(setExitCode: (code: number) => void, io: CliIo = processIo): Command {
  const command = new Command('pins').description(
    'Tool-definition pins: list them, review and approve changed definitions.',
  );
  command
    .command('list')
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG_FILE)
    .option('--json', 'machine-readable output', false)
    .action(async (opts: { config: string; json: boolean }) =>
      setExitCode(await guarded(() => listPins(opts.config, opts.json, io), io)),
    );
  command
    .command('show <upstream> <tool>')
    .description('Show the pinned and the changed definition of one upstream tool, and the hash to approve.')
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG_FILE)
    .option('--json', 'machine-readable output', false)
    .action(async (upstream: string, tool: string, opts: { config: string; json: boolean }) =>
      setExitCode(await guarded(() => showPin(opts.config, upstream, tool, opts.json, io), io)),
    );
  command
    .command('approve <upstream> <tool>')
    .description('Accept the changed definition of one upstream tool, if it is still the one reviewed.')
    .option(
      '--hash <sha256>',
      'full SHA-256 of the reviewed definition, as "warden pins show" prints it',
      parseHash,
    )
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG_FILE)
    .action(async (upstream: string, tool: string, opts: { config: string; hash?: string }) =>
      setExitCode(await guarded(() => approvePin(opts.config, upstream, tool, opts.hash, io), io)),
    );
  return command;
}
