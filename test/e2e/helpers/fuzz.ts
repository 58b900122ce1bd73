/** A small seeded PRNG (mulberry32), so that a failing fuzz run can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const METHODS = [
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'resources/read',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'resources/subscribe',
  'notifications/cancelled',
  'notifications/initialized',
  'x/y',
  '',
  '\u0000',
  'tools/call\n',
];
const VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  2 ** 53,
  -(2 ** 63),
  '',
  'x',
  '\u202e\u0000',
  [],
  {},
  [1, [2, [3]]],
  { a: { b: { c: null } } },
  'A'.repeat(5000),
  '__proto__',
  { __proto__: { polluted: true } },
  { constructor: { prototype: { x: 1 } } },
];

/** Produces random and mutated JSON-RPC messages as text. */
export function fuzzMessages(seed: number): () => string {
  const rand = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const value = (depth = 0): unknown => {
    const r = rand();
    if (depth > 3 || r < 0.5) return pick(VALUES);
    if (r < 0.75) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
    return Object.fromEntries(
      Array.from({ length: Math.floor(rand() * 4) }, () => [
        pick(['name', 'arguments', 'uri', 'id', 'text', '_meta', 'progressToken', 'cursor', 'level']),
        value(depth + 1),
      ]),
    );
  };
  const message = (): Record<string, unknown> => {
    const m: Record<string, unknown> = {};
    if (rand() < 0.95) m.jsonrpc = rand() < 0.9 ? '2.0' : pick(['1.0', 2, null]);
    if (rand() < 0.8) m.id = rand() < 0.8 ? Math.floor(rand() * 1000) : pick(VALUES);
    if (rand() < 0.9) m.method = pick(METHODS);
    if (rand() < 0.7)
      m.params =
        rand() < 0.6 ? { name: pick(['echo', 'nope', '', 'ECHO', 'echo ']), arguments: value() } : value();
    if (rand() < 0.1) m.result = value();
    if (rand() < 0.1) m.error = value();
    return m;
  };
  const mutate = (text: string): string => {
    const chars = [...text];
    const edits = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < edits && chars.length > 0; i++) {
      const at = Math.floor(rand() * chars.length);
      const r = rand();
      if (r < 0.3) chars.splice(at, 1);
      else if (r < 0.6)
        chars.splice(at, 0, pick(['{', '}', '[', ']', '"', ',', ':', '\\', '\u0000', 'é', '\ud800']));
      else if (r < 0.8) chars[at] = String.fromCharCode(Math.floor(rand() * 128));
      else chars.length = at;
    }
    return chars.join('');
  };
  return () => {
    const r = rand();
    const text = JSON.stringify(message());
    if (r < 0.5) return text;
    if (r < 0.95) return mutate(text);
    return `${'['.repeat(Math.floor(rand() * 200))}${text}`;
  };
}

/** Resident set size of a process, in bytes. */
export async function rssBytes(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  return kb * 1024;
}
