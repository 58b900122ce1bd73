import { isAllowed, type AddressAllowList, type AddressTarget } from './allow-list.js';
import { classifyAddress } from './special-ranges.js';

/**
 * True when Warden must not connect to `ip`: it is not a public unicast address (or does not parse) and no
 * `allow` entry covers it for `target`. Fails closed.
 */
export function isForbiddenAddress(ip: string, allow: AddressAllowList, target: AddressTarget = {}): boolean {
  const category = classifyAddress(ip);
  if (category === undefined) return false;
  if (category === 'invalid') return true;
  return !isAllowed(ip, allow, target);
}
