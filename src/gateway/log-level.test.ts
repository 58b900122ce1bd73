import { describe, expect, it } from 'vitest';
import { WardenError } from '../errors/index.js';
import { passesLevel, setLevel } from './log-level.js';
import { ClientSession } from './session.js';

const LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

function session(): ClientSession {
  const principal = { id: 'p', groups: [], scopes: [], authMethod: 'none' as const };
  return new ClientSession(principal, 'http', { send: () => true }, undefined);
}

describe('per-session log levels', () => {
  it('lets each session through only the levels at or above its own, in RFC 5424 order', () => {
    const verbose = session();
    const quiet = session();
    expect(setLevel(verbose, 'debug')).toEqual({});
    expect(setLevel(quiet, 'error')).toEqual({});
    expect(LEVELS.filter((l) => passesLevel(verbose, l))).toEqual(LEVELS);
    expect(LEVELS.filter((l) => passesLevel(quiet, l))).toEqual(['error', 'critical', 'alert', 'emergency']);
  });

  it('lets everything through to a session that chose no level', () => {
    expect(LEVELS.filter((l) => passesLevel(session(), l))).toEqual(LEVELS);
  });

  it('drops a message with an unknown level once the session chose one', () => {
    const s = session();
    setLevel(s, 'debug');
    expect(passesLevel(s, 'verbose')).toBe(false);
  });

  it.each([['loud'], ['DEBUG'], [''], [7], [null], [undefined]])(
    'refuses level %j with INVALID_PARAMS and keeps the previous level',
    (level) => {
      const s = session();
      setLevel(s, 'warning');
      expect(() => setLevel(s, level)).toThrow(
        new WardenError('INVALID_PARAMS', 'level must be an RFC 5424 severity name'),
      );
      expect(s.logLevel).toBe('warning');
    },
  );
});
