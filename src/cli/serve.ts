import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { startWarden } from '../app/start.js';
import { configFromObject, loadConfig, type WardenConfig } from '../config/index.js';
import { isWardenError, publicMessage } from '../errors/index.js';
import { DEFAULT_CONFIG_FILE, processIo, type CliIo } from './io.js';

/** Options of `warden serve`. */
export interface ServeOptions {
  config: string;
  stdio: boolean;
}

/** Loads the named config, or the embedded defaults when the default file does not exist. */
async function configFor(file: string, io: CliIo): Promise<WardenConfig> {
  if (file === DEFAULT_CONFIG_FILE && !existsSync(file)) {
    io.writeError(
      `warden: no ${DEFAULT_CONFIG_FILE} here; serving on embedded defaults (run "warden init" to write one)\n`,
    );
    return configFromObject({}, { baseDir: process.cwd() });
  }
  return loadConfig(file, io.env);
}

/** Runs the gateway until SIGINT/SIGTERM (or, with --stdio, until the client closes stdin). Returns the exit code. */
export async function serve(options: ServeOptions, io: CliIo = processIo): Promise<number> {
  let warden;
  try {
    const config = await configFor(options.config, io);
    warden = await startWarden(
      config,
      options.stdio ? { stdio: { input: process.stdin, output: process.stdout } } : {},
    );
  } catch (error) {
    io.writeError(`warden: ${isWardenError(error) ? error.message : publicMessage(error)}\n`);
    if (!isWardenError(error))
      io.writeError(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
  const running = warden;
  if (!options.stdio && running.address)
    io.writeError(
      `warden: listening on http://${formatHost(running.address.address)}:${running.address.port}/mcp\n`,
    );
  await new Promise<void>((resolve) => {
    const onSignal = (): void => resolve();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    void running.done.then(resolve);
  });
  await running.stop();
  return 0;
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** `warden serve`. */
export function serveCommand(setExitCode: (code: number) => void): Command {
  return new Command('serve')
    .description('Run the gateway (Streamable HTTP at /mcp, or one client over stdio).')
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG_FILE)
    .option('--stdio', 'serve one MCP client over stdin/stdout instead of HTTP', false)
    .action(async (opts: ServeOptions) => setExitCode(await serve(opts)));
}
