import { WardenError } from '../../../errors/index.js';

const SIMPLE_COMMANDS = new Set([
  '=',
  'd',
  'D',
  'g',
  'G',
  'h',
  'H',
  'n',
  'N',
  'p',
  'P',
  'x',
  'z',
  'F',
  '{',
  '}',
]);
const LABEL_COMMANDS = new Set([':', 'b', 't', 'T', 'v']);
const EXIT_COMMANDS = new Set(['q', 'Q', 'l', 'L']);
const TEXT_COMMANDS = new Set(['a', 'i', 'c']);
/** Commands that run programs or touch files other than the input: e (execute), w/W (write), r/R (read). */
const FORBIDDEN_COMMANDS = new Set(['e', 'w', 'W', 'r', 'R']);

function denied(reason: string): WardenError {
  return new WardenError('SHELL_ARG_DENIED', `sed script refused: ${reason}`);
}

/** Refuses a sed script that uses e, w, W, r or R commands or the e/w flags of s, or that it cannot read. */
export function checkSedScript(script: string): void {
  let i = 0;
  const at = (k: number): string => script.charAt(k);
  const skipSpace = (): void => {
    while (i < script.length && /[\s;]/.test(at(i))) i++;
  };
  const readDelimited = (delim: string): void => {
    while (i < script.length && at(i) !== delim) {
      if (at(i) === '\\') i++;
      if (at(i) === '\n' && delim !== '\n') throw denied('unterminated expression');
      i++;
    }
    if (i >= script.length) throw denied('unterminated expression');
    i++;
  };
  const readAddress = (): void => {
    if (at(i) === '/') {
      i++;
      readDelimited('/');
    } else if (at(i) === '\\') {
      const delim = at(i + 1);
      i += 2;
      readDelimited(delim);
    } else {
      while (/[0-9$~+]/.test(at(i))) i++;
    }
    while (at(i) === 'I' || at(i) === 'M') i++;
  };
  while (true) {
    skipSpace();
    if (i >= script.length) return;
    if (at(i) === '#') {
      while (i < script.length && at(i) !== '\n') i++;
      continue;
    }
    readAddress();
    if (at(i) === ',') {
      i++;
      readAddress();
    }
    while (/[\s!]/.test(at(i))) i++;
    const command = at(i++);
    if (FORBIDDEN_COMMANDS.has(command)) throw denied(`command ${command}`);
    if (SIMPLE_COMMANDS.has(command)) continue;
    if (LABEL_COMMANDS.has(command) || EXIT_COMMANDS.has(command)) {
      while (i < script.length && !/[;\n}]/.test(at(i))) i++;
    } else if (TEXT_COMMANDS.has(command)) {
      while (i < script.length && at(i) !== '\n') i += at(i) === '\\' ? 2 : 1;
    } else if (command === 's') {
      readSubstitution();
    } else if (command === 'y') {
      const delim = at(i++);
      readDelimited(delim);
      readDelimited(delim);
    } else {
      throw denied(`unknown command ${JSON.stringify(command)}`);
    }
  }

  function readSubstitution(): void {
    const delim = at(i++);
    if (delim === '' || delim === '\\' || delim === '\n') throw denied('bad s delimiter');
    readDelimited(delim);
    readDelimited(delim);
    while (i < script.length && !/[;\n}]/.test(at(i))) {
      const flag = at(i++);
      if (flag === 'e' || flag === 'w' || flag === 'W') throw denied(`s flag ${flag}`);
      if (!/[gpiImM0-9\s]/.test(flag)) throw denied(`unknown s flag ${JSON.stringify(flag)}`);
    }
  }
}
