import { WardenError } from '../../errors/index.js';
import type { ToolFamily } from '../types.js';

/** Longest text the echo tool returns. */
export const MAX_ECHO_CHARS = 64 * 1024;

/** A trivial built-in tool that returns its input: for health checks and for measuring Warden's own overhead. */
export function createEchoTools(): ToolFamily {
  return {
    tools: [
      {
        definition: {
          name: 'echo',
          description: 'Returns the given text unchanged.',
          inputSchema: {
            type: 'object',
            properties: {
              text: { type: 'string', maxLength: MAX_ECHO_CHARS, description: 'Text to return.' },
            },
            required: ['text'],
            additionalProperties: false,
          },
          annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
        },
        call(args) {
          const text = args.text;
          if (typeof text !== 'string')
            return Promise.reject(new WardenError('INVALID_PARAMS', 'text must be a string'));
          return Promise.resolve({ content: [{ type: 'text', text }] });
        },
      },
    ],
  };
}
