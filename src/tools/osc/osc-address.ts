import picomatch from 'picomatch';
import { WardenError } from '../../errors/index.js';

/** Longest OSC address accepted, in characters. */
export const MAX_OSC_ADDRESS_CHARS = 1024;

// Printable ASCII without space and without the OSC pattern characters # * , ? [ ] { } (OSC 1.0, "OSC Message
// Dispatching and Pattern Matching"): a sent address names exactly one method, never a pattern.
const SENT_ADDRESS = /^(?:\/[!"$-)+\-.0->@-Z\\^-z|~]+)+$/;

/** Throws OSC_ADDRESS_DENIED unless `address` is a literal OSC address (no pattern characters). */
export function checkOscAddress(address: string): void {
  if (address.length > MAX_OSC_ADDRESS_CHARS || !SENT_ADDRESS.test(address)) {
    throw new WardenError(
      'OSC_ADDRESS_DENIED',
      'OSC address must start with "/" and contain no spaces, control or pattern characters (# * , ? [ ] { })',
    );
  }
}

/** A predicate over OSC addresses built from allowlist globs, where `*` spans one part and `**` several. */
export type OscAddressAllowlist = (address: string) => boolean;

/** Compiles the allowlist; throws CONFIG_INVALID for a pattern that does not start with "/". */
export function compileAddressAllowlist(patterns: readonly string[]): OscAddressAllowlist {
  for (const pattern of patterns) {
    if (!pattern.startsWith('/'))
      throw new WardenError('CONFIG_INVALID', 'builtins.osc.addresses entries must start with "/"');
  }
  const matchers = patterns.map((pattern) =>
    picomatch(pattern, { dot: true, nonegate: true, noextglob: true }),
  );
  return (address) => matchers.some((matches) => matches(address));
}
