import { Command } from 'commander';
import { loadConfig, storePath } from '../config/index.js';
import { isWardenError, publicMessage } from '../errors/index.js';
import { openSqlitePinStore } from '../store/sqlite/pins.js';
import { DEFAULT_CONFIG_FILE, processIo, type CliIo } from './io.js';

/** `warden pins list`: pinned tools, and changed definitions awaiting approval. */
export async function listPins(configFile: string, json: boolean, io: CliIo = processIo): Promise<number> {
  const store = openSqlitePinStore(storePath(await loadConfig(configFile, io.env)));
  try {
    const pins = store.list();
    const pending = store.pending();
    if (json) {
      io.write(
        `${JSON.stringify({ pins: pins.map(({ definition: _d, ...p }) => p), pending: pending.map(({ definition: _d, ...p }) => p) })}\n`,
      );
      return 0;
    }
    for (const p of pins)
      io.write(`${p.upstream}\t${p.tool}\t${p.hash.slice(0, 16)}\t${new Date(p.pinnedAt).toISOString()}\n`);
    for (const p of pending)
      io.write(
        `CHANGED\t${p.upstream}\t${p.tool}\t${p.hash.slice(0, 16)}\tawaiting approval: warden pins approve ${p.upstream} ${p.tool}\n`,
      );
    return 0;
  } finally {
    store.close();
  }
}

/** `warden pins approve UPSTREAM TOOL`: accepts a changed definition, which the running gateway honours at once. */
export async function approvePin(
  configFile: string,
  upstream: string,
  tool: string,
  io: CliIo = processIo,
): Promise<number> {
  const store = openSqlitePinStore(storePath(await loadConfig(configFile, io.env)));
  try {
    if (!store.approve(upstream, tool)) {
      io.writeError(`warden: no changed definition is waiting for ${upstream} ${tool}\n`);
      return 1;
    }
    io.write(`approved the new definition of ${upstream} ${tool}\n`);
    return 0;
  } finally {
    store.close();
  }
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
    'Tool-definition pins: list them, approve changed definitions.',
  );
  command
    .command('list')
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG_FILE)
    .option('--json', 'machine-readable output', false)
    .action(async (opts: { config: string; json: boolean }) =>
      setExitCode(await guarded(() => listPins(opts.config, opts.json, io), io)),
    );
  command
    .command('approve <upstream> <tool>')
    .description('Accept the changed definition of one upstream tool.')
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG_FILE)
    .action(async (upstream: string, tool: string, opts: { config: string }) =>
      setExitCode(await guarded(() => approvePin(opts.config, upstream, tool, io), io)),
    );
  return command;
}
