import { describe, expect, it } from 'vitest';
import { regexBacktrackSteps } from './regex-cost.js';

const n = 4096;

describe('regexBacktrackSteps', () => {
  it('counts a literal or an anchored single repeat about linearly', () => {
    expect(regexBacktrackSteps('^abc', n)).toBe(4);
    expect(regexBacktrackSteps('^[a-z]+$', n)).toBeLessThan(4 * n);
  });

  it('tries an unanchored pattern, or one with a top-level alternative, at every position', () => {
    expect(regexBacktrackSteps('abc', n)).toBe(3 * (n + 1));
    expect(regexBacktrackSteps('^a|b', n)).toBe(3 * (n + 1));
  });

  it('multiplies repeats in a row: each one is a power of the input length', () => {
    const one = regexBacktrackSteps('^a*b', n);
    const two = regexBacktrackSteps('^a*a*b', n);
    const three = regexBacktrackSteps('^a*a*a*b', n);
    expect(two / one).toBeGreaterThan(n / 2);
    expect(three / two).toBeGreaterThan(n / 2);
  });

  it('counts repeats of a choice exponentially, and saturates without looping over huge counts', () => {
    expect(regexBacktrackSteps('^(a|b){10}$', n)).toBeGreaterThan(2 ** 10);
    expect(regexBacktrackSteps('(a|aa)+', n)).toBe(2 ** 60);
    expect(regexBacktrackSteps('(a|b){999999999}', n)).toBe(2 ** 60);
    expect(regexBacktrackSteps('^a{999999999}', n)).toBe(1_000_000_000);
  });

  it('reads what follows \\p and \\u as the RegExp without the u flag does: "{0,}" repeats, "{a*}" holds a repeat', () => {
    expect(regexBacktrackSteps('^\\p{L}', n)).toBe(5);
    expect(regexBacktrackSteps('^\\p{0,}\\p{0,}', n)).toBeGreaterThan(n * n);
    expect(regexBacktrackSteps('^\\p{a*a*}', n)).toBeGreaterThan(n * n);
  });

  it('counts a lookaround as one way on, whatever it tries inside', () => {
    expect(regexBacktrackSteps('^(?=a*)(?=a*)b', n)).toBeLessThan(4 * n);
    expect(regexBacktrackSteps('^(a*)(a*)b', n)).toBeGreaterThan(n * n);
  });
});
