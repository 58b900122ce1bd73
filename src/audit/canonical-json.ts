/** Deepest nesting canonicalJson accepts; hostile arguments must not exhaust the stack. */
export const MAX_CANONICAL_DEPTH = 256;

/** A character JSON.stringify escapes (quote, backslash, control) or may rewrite (a surrogate, when alone). */
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * `JSON.stringify(text)`, faster for the common text that needs no escape: the audit chain quotes about fifteen
 * strings per record. Text with any quote, backslash, control character or surrogate goes to JSON.stringify.
 */
export function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * Serialises a JSON value with RFC 8785-style canonical form: object keys sorted by UTF-16 code units, no
 * whitespace, ECMAScript number formatting; throws a TypeError on values JSON cannot represent.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, 0, new Set());
}

function serialise(value: unknown, depth: number, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('non-finite number');
      // JSON.stringify already prints the shortest round-trip form RFC 8785 requires; -0 prints as 0.
      return JSON.stringify(value);
    case 'object':
      return serialiseObject(value, depth, seen);
    default:
      throw new TypeError(`cannot serialise a ${typeof value}`);
  }
}

function serialiseObject(value: object, depth: number, seen: Set<object>): string {
  if (depth >= MAX_CANONICAL_DEPTH) throw new TypeError('value nested too deeply');
  if (seen.has(value)) throw new TypeError('circular value');
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  seen.add(value);
  let out: string;
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (const item of value as unknown[])
      parts.push(item === undefined ? 'null' : serialise(item, depth + 1, seen));
    out = `[${parts.join(',')}]`;
  } else {
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const item = record[key];
      if (item === undefined) continue;
      parts.push(`${jsonString(key)}:${serialise(item, depth + 1, seen)}`);
    }
    out = `{${parts.join(',')}}`;
  }
  seen.delete(value);
  return out;
}
