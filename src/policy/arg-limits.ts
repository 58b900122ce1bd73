import { WardenError } from '../errors/index.js';

/** Caps checked on arguments before schema validation, so that huge or deep payloads are refused fast. */
export interface ArgLimits {
  /** Deepest nesting of objects and arrays. @default 64 */
  maxDepth: number;
  /** Most values (object members and array elements, recursively). @default 100_000 */
  maxNodes: number;
  /** Most characters across all strings and keys. @default 8 MiB */
  maxStringChars: number;
}

/** Default caps on tool arguments. */
export const DEFAULT_ARG_LIMITS: Readonly<ArgLimits> = Object.freeze({
  maxDepth: 64,
  maxNodes: 100_000,
  maxStringChars: 8 * 1024 * 1024,
});

/** Throws ARGS_INVALID when `args` exceeds a cap; walks iteratively and stops at the first excess. */
export function assertArgLimits(args: unknown, limits: ArgLimits = DEFAULT_ARG_LIMITS): void {
  const stack: { value: unknown; depth: number }[] = [{ value: args, depth: 0 }];
  let nodes = 0;
  let chars = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop() ?? { value: undefined, depth: 0 };
    if (++nodes > limits.maxNodes) throw new WardenError('ARGS_INVALID', 'arguments have too many values');
    if (typeof value === 'string') chars += value.length;
    else if (typeof value === 'object' && value !== null) {
      if (depth >= limits.maxDepth) throw new WardenError('ARGS_INVALID', 'arguments are nested too deeply');
      if (Array.isArray(value)) {
        if (nodes + value.length > limits.maxNodes)
          throw new WardenError('ARGS_INVALID', 'arguments have too many values');
        for (const item of value as unknown[]) stack.push({ value: item, depth: depth + 1 });
      } else {
        for (const [k, v] of Object.entries(value)) {
          chars += k.length;
          stack.push({ value: v, depth: depth + 1 });
        }
      }
    }
    if (chars > limits.maxStringChars) throw new WardenError('ARGS_INVALID', 'arguments are too large');
  }
}
