import { WardenError } from '../errors/index.js';
import type { ClientSession } from './session.js';

/** MCP log levels, least to most severe (RFC 5424 order). */
const LOG_LEVELS: readonly string[] = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
];

/**
 * Handles logging/setLevel: the level is the session's own and filters only what Warden relays to it.
 *
 * It is never sent upstream. An upstream keeps one level for everyone it talks to, and Warden shares upstreams
 * among sessions: relaying a client's level would let it silence every other session's log messages (`emergency`)
 * or flood them (`debug`), and any level Warden derived for them (the most verbose one asked for, say) would still
 * change what sessions that never chose a level receive. The cost: a session asking for `debug` gets only what the
 * upstream sends by default (MCP lets a server choose that until told a level; SDK servers send every level).
 */
export function setLevel(session: ClientSession, level: unknown): Record<string, unknown> {
  if (typeof level !== 'string' || !LOG_LEVELS.includes(level))
    throw new WardenError('INVALID_PARAMS', 'level must be an RFC 5424 severity name');
  session.logLevel = level;
  return {};
}

/** True when a log message at `level` passes the session's logging/setLevel threshold. */
export function passesLevel(session: ClientSession, level: unknown): boolean {
  if (session.logLevel === undefined) return true;
  return (
    LOG_LEVELS.indexOf(typeof level === 'string' ? level : 'info') >= LOG_LEVELS.indexOf(session.logLevel)
  );
}
