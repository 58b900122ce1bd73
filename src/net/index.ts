export {
  cidrContains,
  formatIpAddress,
  normaliseAddress,
  parseCidr,
  parseIpAddress,
  type Cidr,
  type IpAddress,
} from './cidr.js';
export { classifyAddress, embeddedIpv4, type AddressCategory } from './special-ranges.js';
export {
  EMPTY_ALLOW_LIST,
  allowEntryProblem,
  canonicalHost,
  isAllowed,
  parseAllowList,
  type AddressAllowList,
  type AddressTarget,
  type AllowListOptions,
  type HostAllowEntry,
} from './allow-list.js';
export { isForbiddenAddress } from './address-policy.js';
export { isLocalhostName } from './localhost.js';
export {
  MAX_DNS_ANSWERS,
  createSafeLookup,
  lookupFrom,
  resolveChecked,
  systemResolver,
  type ResolvedAddress,
  type Resolver,
  type SafeLookupOptions,
} from './safe-lookup.js';
export {
  MAX_LOOKUP_POOL_THREADS,
  limitLookups,
  type LimitLookupsOptions,
  type LimitedLookup,
} from './lookup-limit.js';
export { connectGuarded, type ConnectGuardedOptions } from './guarded-connection.js';
