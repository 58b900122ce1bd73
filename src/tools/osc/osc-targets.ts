import { isIPv4 } from 'node:net';
import { WardenError } from '../../errors/index.js';

/** A UDP destination from the configuration. */
export interface OscTarget {
  /** The configured text, as callers name it. */
  name: string;
  host: string;
  port: number;
}

/**
 * Parses an IPv4 `host:port` (or `localhost:port`, meaning 127.0.0.1); names other than localhost are refused so
 * that no DNS answer can redirect messages.
 */
export function parseOscTarget(text: string): OscTarget | undefined {
  const match = /^([^:\s]+):(\d{1,5})$/.exec(text);
  if (match === null) return undefined;
  const host = match[1] === 'localhost' ? '127.0.0.1' : (match[1] ?? '');
  const port = Number(match[2]);
  if (!isIPv4(host) || port < 1 || port > 65_535) return undefined;
  return { name: text, host, port };
}

/** Parses every configured target; throws CONFIG_INVALID on the first malformed one. */
export function parseOscTargets(texts: readonly string[]): OscTarget[] {
  return texts.map((text) => {
    const target = parseOscTarget(text);
    if (target === undefined) {
      throw new WardenError(
        'CONFIG_INVALID',
        'builtins.osc.targets entries must be IPv4:port or localhost:port',
      );
    }
    return target;
  });
}

/** True when the host is in 127.0.0.0/8. */
export function isLoopbackTarget(target: OscTarget): boolean {
  return target.host.startsWith('127.');
}

/** The configured target a caller names (by its text or by an equal address), else OSC_TARGET_DENIED. */
export function selectOscTarget(targets: readonly OscTarget[], requested: string | undefined): OscTarget {
  const first = targets[0];
  if (first === undefined) throw new WardenError('OSC_TARGET_DENIED', 'no OSC targets are configured');
  if (requested === undefined) return first;
  const parsed = parseOscTarget(requested);
  const found = targets.find(
    (target) =>
      target.name === requested ||
      (parsed !== undefined && parsed.host === target.host && parsed.port === target.port),
  );
  if (found === undefined)
    throw new WardenError('OSC_TARGET_DENIED', 'OSC target is not in builtins.osc.targets');
  return found;
}
