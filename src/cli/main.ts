#!/usr/bin/env node
import { Command } from 'commander';
import { auditCommand } from './audit.js';
import { configCommand } from './config.js';
import { initCommand } from './init.js';
import { pinsCommand } from './pins.js';
import { serveCommand } from './serve.js';

/** Builds the `warden` program; each subcommand lives in its own file. */
export async function buildProgram(): Promise<Command> {
  const setExitCode = (code: number): void => {
    process.exitCode = code;
  };
  const program = new Command('warden')
    .description('Warden: a security gateway for the Model Context Protocol.')
    .version('0.1.0')
    .showHelpAfterError();
  program.addCommand(serveCommand(setExitCode));
  program.addCommand(initCommand(setExitCode));
  program.addCommand(configCommand(setExitCode));
  program.addCommand(pinsCommand(setExitCode));
  program.addCommand(auditCommand());
  const [{ keysCommand }, { policyCommand }] = await Promise.all([
    import('./keys.js'),
    import('./policy.js'),
  ]);
  program.addCommand(keysCommand());
  program.addCommand(policyCommand());
  return program;
}

const program = await buildProgram();
await program.parseAsync(process.argv);
process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
