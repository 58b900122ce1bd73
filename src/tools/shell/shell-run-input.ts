import * as z from 'zod';
import { WardenError } from '../../errors/index.js';
import { MAX_ARGS, MAX_ARGV_BYTES } from './check-argv.js';

/** Largest stdin a call may pass, in bytes. */
export const MAX_STDIN_BYTES = 1024 * 1024;

const inputSchema = z.strictObject({
  command: z.string().min(1).max(128),
  args: z.array(z.string().max(MAX_ARGV_BYTES)).max(MAX_ARGS).default([]),
  cwd: z.string().min(1).max(4096).optional(),
  timeoutMs: z.number().int().positive().optional(),
  stdin: z.string().max(MAX_STDIN_BYTES).optional(),
});

/** Arguments of one shell_run call, parsed. */
export type ShellRunInput = z.output<typeof inputSchema>;

/** Parses untrusted shell_run arguments; ARGS_INVALID when they do not fit. */
export function parseShellRunInput(args: unknown): ShellRunInput {
  const parsed = inputSchema.safeParse(args);
  if (!parsed.success)
    throw new WardenError('ARGS_INVALID', 'shell_run takes {command, args[], cwd?, timeoutMs?, stdin?}');
  return parsed.data;
}

/** The JSON Schema clients see for shell_run. */
export function shellRunInputSchema(programs: readonly string[]): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      command: {
        type: 'string',
        enum: [...programs],
        description: 'Name of an allowlisted program (no path).',
      },
      args: {
        type: 'array',
        items: { type: 'string' },
        maxItems: MAX_ARGS,
        description: 'Arguments, passed as-is; no shell.',
      },
      cwd: { type: 'string', description: 'Working directory inside the roots.' },
      timeoutMs: { type: 'integer', minimum: 1, description: 'Lower time limit than the configured one.' },
      stdin: { type: 'string', maxLength: MAX_STDIN_BYTES, description: 'Text written to standard input.' },
    },
    required: ['command'],
    additionalProperties: false,
  };
}
