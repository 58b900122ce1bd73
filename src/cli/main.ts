#!/usr/bin/env node
import type { Command } from 'commander';

/** Builds the `warden` program; each subcommand lives in its own file. */
export async function buildProgram(only?: string): Promise<Command> {
  const setExitCode = (code: number): void => {
    process.exitCode = code;
  };
  const { Command } = await import('commander');
  const program = new Command('warden')
    .description('Warden: a security gateway for the Model Context Protocol.')
    .version('0.1.0')
    .showHelpAfterError();
  // `warden serve` loads only what serving needs; every other command module loads on demand.
  if (only === 'serve') {
    const { serveCommand } = await import('./serve.js');
    return program.addCommand(serveCommand(setExitCode));
  }
  const [serve, init, config, pins, audit, keys, policy] = await Promise.all([
    import('./serve.js'),
    import('./init.js'),
    import('./config.js'),
    import('./pins.js'),
    import('./audit.js'),
    import('./keys.js'),
    import('./policy.js'),
  ]);
  return program
    .addCommand(serve.serveCommand(setExitCode))
    .addCommand(init.initCommand(setExitCode))
    .addCommand(config.configCommand(setExitCode))
    .addCommand(pins.pinsCommand(setExitCode))
    .addCommand(audit.auditCommand())
    .addCommand(keys.keysCommand())
    .addCommand(policy.policyCommand());
}

const program = await buildProgram(process.argv[2]);
await program.parseAsync(process.argv);
process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
