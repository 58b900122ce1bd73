import { Command } from 'commander';
import { checkConfigFile, formatProblem } from '../config/index.js';
import { configJsonSchema } from '../config/reference.js';
import { isWardenError, publicMessage } from '../errors/index.js';
import { DEFAULT_CONFIG_FILE, processIo, type CliIo } from './io.js';

/** `warden config check`: prints every problem with its location; exit 1 on any error. */
export async function checkConfig(file: string, io: CliIo = processIo): Promise<number> {
  try {
    const { config, problems } = await checkConfigFile(file, io.env);
    for (const p of problems) io.write(`${file}:${formatProblem(p)}\n`);
    if (!config) {
      io.write(`${file}: invalid (${problems.filter((p) => p.severity === 'error').length} error(s))\n`);
      return 1;
    }
    io.write(`${file}: ok${problems.length > 0 ? ` (${problems.length} warning(s))` : ''}\n`);
    return 0;
  } catch (error) {
    io.writeError(`warden: ${isWardenError(error) ? error.message : publicMessage(error)}\n`);
    return 2;
  }
}

/** `warden config …`. */
export function configCommand(setExitCode: (code: number) => void, io: CliIo = processIo): Command {
  const command = new Command('config').description('Check the configuration or print its JSON Schema.');
  command
    .command('check')
    .description('Validate a configuration file and report every problem at once.')
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG_FILE)
    .action(async (opts: { config: string }) => setExitCode(await checkConfig(opts.config, io)));
  command
    .command('schema')
    .description('Print the JSON Schema of warden.yaml.')
    .action(() => {
      io.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
      setExitCode(0);
    });
  return command;
}
