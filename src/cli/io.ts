/** How CLI commands talk to the outside world; tests pass their own. */
export interface CliIo {
  write(text: string): void;
  writeError(text: string): void;
  env: NodeJS.ProcessEnv;
}

/** The process's own streams. */
export const processIo: CliIo = {
  write: (text) => void process.stdout.write(text),
  writeError: (text) => void process.stderr.write(text),
  env: process.env,
};

/** Default config file name, looked up in the working directory. */
export const DEFAULT_CONFIG_FILE = 'warden.yaml';
