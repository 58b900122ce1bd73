export { createGuard, type AuthRequest, type AuthResult, type Guard, type GuardOptions } from './guard.js';
export { checkAuthMode } from './auth-mode.js';
export {
  protectedResourceMetadata,
  resourceMetadataUrl,
  wwwAuthenticate,
  RESOURCE_METADATA_PATH,
  type ProtectedResourceMetadata,
} from './resource-metadata.js';
export {
  correlationId,
  resolveCorrelation,
  traceIdFromTraceparent,
  MAX_REQUEST_ID_CHARS,
  type Correlation,
  type CorrelationSource,
} from './correlation.js';
export {
  createLimiter,
  type Limiter,
  type LimiterOptions,
  type RateLimitDetails,
  type Release,
} from './limiter.js';
export { rateLimitHeaders, type RateLimitHeaders } from './rate-limit-headers.js';
export { refusalHeaders } from './refusal-headers.js';
export type { AcquireOutcome, RateLimitStore, WindowCheck } from './rate-limit-store.js';
export { createMemoryRateLimitStore } from './memory-rate-limit-store.js';
export { compileIpAllowList, parseCidr, cidrContains, type Cidr, type IpAllowList } from './cidr.js';
export { parseIp, isLoopbackIp, type IpAddress } from './ip-address.js';
export { resolveClientAddress } from './client-address.js';
export { rejectCredentialsInUrl } from './credentials-in-url.js';
export { extractCredential } from './credentials.js';
// jwt.ts (and jose) load lazily, only in jwt mode: import createJwtVerifier from './jwt.js' directly.
export type { JwtConfig, JwtVerifier } from './jwt.js';
export { MAX_PRINCIPAL_CHARS } from './principal-limits.js';
export { createApiKeyIndex, type ApiKeyIndex, type ApiKeyIndexOptions } from './api-key-index.js';
