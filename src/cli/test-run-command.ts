import type { Command } from 'commander';

/** What a CLI command printed and the exit code it set (2 when commander refused the arguments). */
export interface CommandRun {
  code: number | undefined;
  out: string;
  err: string;
}

/** The output side of the io object the commands take; fill `run.out`, `run.err` and `run.code`. */
export interface CapturedIo {
  write: (text: string) => void;
  writeError: (text: string) => void;
  env: NodeJS.ProcessEnv;
  setExitCode: (code: number) => void;
}

/** Runs a command built by `make(io)` with `args`, capturing everything it prints (test helper). */
export async function runCommand(make: (io: CapturedIo) => Command, args: string[]): Promise<CommandRun> {
  const result: CommandRun = { code: undefined, out: '', err: '' };
  const cmd = make({
    write: (t) => void (result.out += t),
    writeError: (t) => void (result.err += t),
    env: {},
    setExitCode: (c) => void (result.code = c),
  });
  for (const c of [cmd, ...cmd.commands]) {
    c.exitOverride();
    c.configureOutput({ writeOut: (t) => void (result.out += t), writeErr: (t) => void (result.err += t) });
  }
  try {
    await cmd.parseAsync(args, { from: 'user' });
  } catch (error) {
    // commander throws (exitOverride) on usage errors; the CLI entry would exit with 2.
    result.code = 2;
    void error;
  }
  return result;
}
