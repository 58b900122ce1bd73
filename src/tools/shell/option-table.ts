/** Whether an option takes a value: never, always (`-x V`, `-xV`, `--x=V`, `--x V`), or only glued (`-xV`, `--x=V`). */
export type Arity = 'none' | 'required' | 'optional';

/** The options one program understands, by canonical name (`-x`, `--long`). */
export interface OptionTable {
  short: ReadonlyMap<string, Arity>;
  long: ReadonlyMap<string, Arity>;
}

/** Builds a table from a getopt string (`"ab:c::"`) and space-separated long names (`"all size: color::"`). */
export function defineOptions(short: string, long: string): OptionTable {
  const shortMap = new Map<string, Arity>();
  for (let i = 0; i < short.length; i++) {
    const letter = short.charAt(i);
    let arity: Arity = 'none';
    if (short.charAt(i + 1) === ':') {
      arity = short.charAt(i + 2) === ':' ? 'optional' : 'required';
      i += arity === 'optional' ? 2 : 1;
    }
    shortMap.set(`-${letter}`, arity);
  }
  const longMap = new Map<string, Arity>();
  for (const word of long.split(/\s+/).filter((w) => w !== '')) {
    const name = word.replace(/:+$/, '');
    const colons = word.length - name.length;
    longMap.set(`--${name}`, colons === 0 ? 'none' : colons === 1 ? 'required' : 'optional');
  }
  return { short: shortMap, long: longMap };
}
