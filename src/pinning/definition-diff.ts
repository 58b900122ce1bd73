/** Indentation per nesting level of a definition laid out for review. */
const INDENT = '  ';

/**
 * Lays out a stored (canonical JSON) definition one member per line. Only whitespace between tokens changes:
 * strings, numbers and key order stay byte for byte what was hashed, and nothing is parsed, so no text can make
 * the layout fail or show something other than what is stored.
 */
export function definitionLines(json: string): string[] {
  const lines: string[] = [];
  let line = '';
  let depth = 0;
  const breakLine = (): void => {
    lines.push(line);
    line = INDENT.repeat(depth);
  };
  for (let i = 0; i < json.length; i++) {
    const c = json[i] ?? '';
    if (c === '"') {
      const end = stringEnd(json, i);
      line += json.slice(i, end);
      i = end - 1;
    } else if ((c === '{' && json[i + 1] === '}') || (c === '[' && json[i + 1] === ']')) {
      line += json.slice(i, i + 2);
      i++;
    } else if (c === '{' || c === '[') {
      line += c;
      depth++;
      breakLine();
    } else if (c === '}' || c === ']') {
      depth = Math.max(0, depth - 1);
      breakLine();
      line += c;
    } else if (c === ',') {
      line += c;
      breakLine();
    } else if (c === ':') line += ': ';
    else if (!/\s/.test(c)) line += c;
  }
  lines.push(line);
  return lines;
}

/** Index just past the JSON string starting at `start` (or the end of the text, when it never closes). */
function stringEnd(json: string, start: number): number {
  for (let i = start + 1; i < json.length; i++) {
    if (json[i] === '\\') i++;
    else if (json[i] === '"') return i + 1;
  }
  return json.length;
}

/**
 * A pending definition against its pin, line by line: the common head and tail as context (` `), the pinned lines
 * between them (`-`), then the pending ones (`+`). The context and `+` lines together are always the whole pending
 * definition, so nothing in it escapes review; trimming only the common ends keeps the work linear in its size.
 */
export function definitionDiff(pinned: string | undefined, pending: string): string[] {
  const before = pinned === undefined ? [] : definitionLines(pinned);
  const after = definitionLines(pending);
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (
    tail < before.length - head &&
    tail < after.length - head &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  )
    tail++;
  return [
    ...after.slice(0, head).map((l) => ` ${l}`),
    ...before.slice(head, before.length - tail).map((l) => `-${l}`),
    ...after.slice(head, after.length - tail).map((l) => `+${l}`),
    ...after.slice(after.length - tail).map((l) => ` ${l}`),
  ];
}
