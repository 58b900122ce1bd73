/** Counts at or above this are all "too many"; keeps every product finite. */
const SATURATED = 2 ** 60;

/**
 * What a part of a pattern costs a backtracking engine at one position: `ways` is how many different ends it can
 * hand on to what follows (each re-runs the rest of the pattern), `steps` the work spent inside it.
 */
interface Cost {
  ways: number;
  steps: number;
}

const EMPTY: Cost = { ways: 1, steps: 0 };
const ATOM: Cost = { ways: 1, steps: 1 };
const TOO_MUCH: Cost = { ways: SATURATED, steps: SATURATED };

/** A `{n}`, `{n,}` or `{n,m}` quantifier at the start of a text. */
const BRACES = /^\{(\d+)(,(\d*))?\}/;
/** What follows "(" in a group that is not a plain capture: `?:`, a lookaround, or a name (within the group). */
const GROUP_PREFIX = /^\?(?::|([=!]|<[=!])|<[^>()|]*>)/;

const cap = (n: number): number => Math.min(n, SATURATED);

/** `a` then `b`: each end of `a` runs `b` again. */
function followedBy(a: Cost, b: Cost): Cost {
  return { ways: cap(a.ways * b.ways), steps: cap(a.steps + a.ways * b.steps) };
}

/** `body{min,max}`: every way through the first k iterations enters iteration k + 1. */
function repeat(body: Cost, min: number, max: number): Cost {
  if (max < min) return EMPTY;
  if (body.ways === 1) return { ways: cap(max - min + 1), steps: cap(max * body.steps) };
  // Sums of powers of two or more saturate within about 60 iterations, however large min and max are.
  let entries = 0;
  let ways = 0;
  let power = 1;
  for (let k = 0; k <= max; k++) {
    if (power >= SATURATED) return TOO_MUCH;
    if (k < max) entries += power;
    if (k >= min) ways += power;
    power *= body.ways;
  }
  return { ways: cap(ways), steps: cap(entries * body.steps) };
}

/** A recursive-descent reading of a pattern that only measures it; the RegExp constructor judges its syntax. */
class Measure {
  i = 0;
  topAlternatives = 0;

  constructor(
    readonly source: string,
    readonly inputChars: number,
  ) {}

  disjunction(top: boolean): Cost {
    const total = { ways: 0, steps: 0 };
    let alternatives = 0;
    for (;;) {
      const alt = this.alternative();
      total.ways = cap(total.ways + alt.ways);
      total.steps = cap(total.steps + alt.steps);
      alternatives += 1;
      if (this.source[this.i] !== '|') break;
      this.i += 1;
    }
    if (top) this.topAlternatives = alternatives;
    return total;
  }

  alternative(): Cost {
    let cost = EMPTY;
    while (this.i < this.source.length && this.source[this.i] !== '|' && this.source[this.i] !== ')')
      cost = followedBy(cost, this.quantified(this.atom()));
    return cost;
  }

  quantified(atom: Cost): Cost {
    const c = this.source[this.i];
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      this.i += 1;
      [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
    } else {
      const braces = c === '{' ? BRACES.exec(this.source.slice(this.i)) : null;
      if (braces === null) return atom;
      this.i += braces[0].length;
      min = Number(braces[1]);
      max = braces[2] === undefined ? min : braces[3] === '' ? Infinity : Number(braces[3]);
    }
    if (this.source[this.i] === '?') this.i += 1;
    // ECMAScript ends a loop whose iteration matched nothing, so iterations past the minimum each take a character.
    return repeat(atom, min, Math.min(max, min + this.inputChars));
  }

  atom(): Cost {
    const c = this.source[this.i];
    this.i += 1;
    if (c === '\\') {
      // An escape is two characters: what follows \p or \u is read on, as without the u flag "\p{a*}" is p, {, a*, }.
      this.i += 1;
      return ATOM;
    }
    if (c === '[') {
      while (this.i < this.source.length && this.source[this.i] !== ']')
        this.i += this.source[this.i] === '\\' ? 2 : 1;
      this.i += 1;
      return ATOM;
    }
    if (c !== '(') return ATOM;
    const prefix = GROUP_PREFIX.exec(this.source.slice(this.i));
    this.i += prefix?.[0].length ?? 0;
    const body = this.disjunction(false);
    if (this.source[this.i] === ')') this.i += 1;
    // A lookaround is atomic: it hands on one end, whatever it tried inside.
    return prefix?.[1] === undefined ? body : { ways: 1, steps: body.steps };
  }
}

/**
 * An upper bound on the steps a backtracking engine (V8's) may take to test `source`, compiled without the `m`
 * flag, against any text of `inputChars` characters. It multiplies the ends each quantifier and alternation can
 * produce, so `a*a*a*b` counts about n⁴ and `(a|aa)+` 2ⁿ, while `^[a-z]+$` counts about n; a pattern not anchored
 * by a leading `^` is tried at each of n + 1 positions. Backreferences are not counted: refuse them separately.
 */
export function regexBacktrackSteps(source: string, inputChars: number): number {
  const measure = new Measure(source, inputChars);
  let steps = measure.disjunction(true).steps;
  let anchored = source.startsWith('^') && measure.topAlternatives === 1;
  // A stray ")" is a syntax error the RegExp constructor reports; count what follows it all the same.
  while (measure.i < source.length) {
    measure.i += 1;
    anchored = false;
    steps = cap(steps + measure.disjunction(false).steps);
  }
  return cap((anchored ? 1 : inputChars + 1) * Math.max(steps, 1));
}
