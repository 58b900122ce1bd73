import { describe, expect, it } from 'vitest';
import { isLocalhostName } from './localhost.js';

describe('isLocalhostName', () => {
  it.each([
    ['localhost', true],
    ['Localhost.', true],
    ['localhost.example', false],
    ['a.localhost', false],
    ['localhost..', false],
  ])('%s → %s', (host, expected) => {
    expect(isLocalhostName(host)).toBe(expected);
  });
});
