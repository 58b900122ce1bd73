/**
 * True for `localhost` (any case, one trailing dot): a name that means this machine (RFC 6761, section 6.3), so
 * Warden maps it to loopback itself instead of asking a resolver.
 */
export function isLocalhostName(host: string): boolean {
  return /^localhost\.?$/i.test(host);
}
