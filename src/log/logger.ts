import { pino, type Logger as PinoLogger } from 'pino';

/** Warden's structured logger (pino, JSON lines on stderr). */
export type Logger = PinoLogger;

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  level?: string;
  /** Where lines go. @default stderr */
  destination?: NodeJS.WritableStream;
}

// Values under these keys never reach a log line, whatever object they sit in.
const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
  'key',
  'token',
  'password',
  'secret',
  '*.password',
  '*.secret',
  '*.token',
  'env',
  '*.env',
];

/** Creates the process logger. stdout stays free for the stdio MCP transport and CLI output. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { name: 'warden' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ dest: 2, sync: false }),
  );
}

/** A logger that drops everything, for embedding and tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
