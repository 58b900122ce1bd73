import { WardenError } from '../errors/index.js';

/** A parsed RFC 6901 JSON pointer: its reference tokens. */
export type JsonPointer = readonly string[];

/** Parses a JSON pointer ("" is the whole document); throws CONFIG_INVALID when malformed. */
export function parseJsonPointer(pointer: string): JsonPointer {
  if (pointer === '') return [];
  if (!pointer.startsWith('/') || /~[^01]|~$/.test(pointer)) {
    throw new WardenError('CONFIG_INVALID', `invalid JSON pointer: ${pointer.slice(0, 64)}`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The value a pointer designates, or undefined. Only own properties are followed (never the prototype chain). */
export function resolveJsonPointer(document: unknown, pointer: JsonPointer): unknown {
  let current: unknown = document;
  for (const token of pointer) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else return undefined;
  }
  return current;
}
