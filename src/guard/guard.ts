import type { IncomingHttpHeaders } from 'node:http';
import type { AuthConfig, LimitsConfig } from '../config/access.js';
import { isWardenError, WardenError } from '../errors/index.js';
import type { Principal } from '../policy/principal.js';
import { isApiKeyShape, type KeyStore } from '../store/keys.js';
import { createApiKeyIndex, type ApiKeyIndex, type IndexedKey } from './api-key-index.js';
import { checkAuthMode } from './auth-mode.js';
import { compileIpAllowList } from './cidr.js';
import { resolveClientAddress } from './client-address.js';
import { correlationId } from './correlation.js';
import { rejectCredentialsInUrl } from './credentials-in-url.js';
import { extractCredential } from './credentials.js';
import type { IpAddress } from './ip-address.js';
import type { JwtVerifier } from './jwt.js';
import { MAX_PRINCIPAL_CHARS } from './principal-limits.js';
import { createLimiter, type Limiter } from './limiter.js';
import type { RateLimitStore } from './rate-limit-store.js';

/** What the transport knows about one HTTP request. */
export interface AuthRequest {
  headers: IncomingHttpHeaders;
  remoteAddress: string;
  /** The request target (path and query). */
  url: string;
  /** Header lines as received (name, value, name, value…), to see repeats Node folds away. */
  rawHeaders?: readonly string[] | undefined;
  /** Only when the TLS handshake verified the certificate against `listen.tls.clientCa` (socket.authorized). */
  peerCertificate?: { fingerprint256: string; subjectCN?: string };
}

/** An authenticated caller. */
export interface AuthResult {
  principal: Principal;
  /** Normalised client address (after trusted-proxy resolution). */
  clientAddress: string;
}

/** Options for {@link createGuard}. */
export interface GuardOptions {
  auth: AuthConfig;
  limits: LimitsConfig;
  keys: KeyStore;
  listenIsLoopback: boolean;
  /** @default Date.now */
  now?: () => number;
  /** Accept verified client certificates as credentials (listen.tls.clientCa is set). @default false */
  mtls?: boolean;
  /** @default an in-memory store */
  rateLimitStore?: RateLimitStore;
  /** @default DEFAULT_KEY_POLL_INTERVAL_MS */
  keyPollIntervalMs?: number;
  /** Told about failed background work (key refreshes), for logging. */
  onError?: (error: unknown) => void;
}

/** Authentication, client-address checks, correlation ids and rate limits for the HTTP front end. */
export interface Guard {
  authenticate(req: AuthRequest): AuthResult | Promise<AuthResult>;
  /**
   * Whether the credential behind a principal this guard admitted would still be accepted now: its API key is
   * neither revoked nor expired (false while the key index is stale), its JWT has not expired.
   */
  credentialValid(principal: Principal): boolean;
  correlationId(headers: IncomingHttpHeaders): string;
  limiter: Limiter;
  /** Re-reads keys if the store changed (also done on a timer). */
  refreshKeys(): Promise<void>;
  /** Stops timers and writes pending last-use times. */
  close(): Promise<void>;
}

/** Certificates whose principal objects are remembered. */
export const MTLS_PRINCIPAL_CACHE_ENTRIES = 1024;

const ANONYMOUS: Principal = Object.freeze({
  id: 'anonymous',
  groups: Object.freeze([]),
  scopes: Object.freeze([]),
  authMethod: 'none',
});

/** Why a known key is no longer accepted at `now`, if it is not. */
function keyLapse(record: IndexedKey['record'], now: number): 'AUTH_REVOKED' | 'AUTH_EXPIRED' | undefined {
  if (record.revokedAt !== null && record.revokedAt <= now) return 'AUTH_REVOKED';
  if (record.expiresAt !== null && record.expiresAt <= now) return 'AUTH_EXPIRED';
  return undefined;
}

function admitKey(found: IndexedKey, client: IpAddress, now: number, index: ApiKeyIndex): Principal {
  const { record } = found;
  const lapse = keyLapse(record, now);
  if (lapse !== undefined) throw new WardenError(lapse);
  if (!found.ipAllow.empty && !found.ipAllow.contains(client)) throw new WardenError('IP_DENIED');
  index.recordUse(record.id, now);
  return found.principal;
}

/** Whether an admitted key is still in the store, unrevoked and unexpired; false when the index is stale. */
function keyStillValid(index: ApiKeyIndex, principal: Principal, now: number): boolean {
  if (principal.credentialId === undefined) return false;
  let found: IndexedKey | undefined;
  try {
    found = index.lookupById(principal.credentialId);
  } catch (error) {
    // A stale index cannot show a revocation made since: fail closed, as new requests do.
    if (isWardenError(error) && error.code === 'STORE_UNAVAILABLE') return false;
    throw error;
  }
  return (
    found !== undefined &&
    found.record.principal === principal.id &&
    keyLapse(found.record, now) === undefined
  );
}

/** Builds {@link Guard.credentialValid}; `jwtSkewMs` is undefined when JWTs are not accepted. */
function credentialCheck(
  index: ApiKeyIndex,
  jwtSkewMs: number | undefined,
  now: () => number,
): (principal: Principal) => boolean {
  return function credentialValid(principal) {
    switch (principal.authMethod) {
      case 'none':
      case 'stdio':
        return true;
      case 'mtls':
        // The certificate's validity period is checked at each TLS handshake; Warden keeps no revocation list.
        return true;
      case 'api-key':
        return keyStillValid(index, principal, now());
      case 'jwt':
        // The bound the verifier's token cache uses: exp plus the configured clock skew.
        return (
          jwtSkewMs !== undefined &&
          principal.expiresAtMs !== undefined &&
          now() <= principal.expiresAtMs + jwtSkewMs
        );
    }
  };
}

function mtlsPrincipal(cert: NonNullable<AuthRequest['peerCertificate']>): Principal {
  const cn = cert.subjectCN;
  if (typeof cn !== 'string' || cn === '' || cn.length > MAX_PRINCIPAL_CHARS) {
    throw new WardenError('AUTH_INVALID', 'client certificate names no principal');
  }
  return Object.freeze({
    id: cn,
    groups: Object.freeze([]),
    scopes: Object.freeze([]),
    authMethod: 'mtls',
    credentialId: cert.fingerprint256,
  });
}

/** Builds the guard: validates the auth config, loads the key index and prepares the JWT verifier. */
export async function createGuard(options: GuardOptions): Promise<Guard> {
  const { auth } = options;
  const now = options.now ?? Date.now;
  checkAuthMode(auth, options.listenIsLoopback);
  const ipAllow = compileIpAllowList(auth.ipAllow);
  const trustedProxies = compileIpAllowList(auth.trustedProxies);
  // jose loads only in jwt mode: API-key deployments do not pay for it at start-up.
  const verifyJwt: JwtVerifier | undefined =
    auth.mode === 'jwt' && auth.jwt ? (await import('./jwt.js')).createJwtVerifier(auth.jwt, now) : undefined;
  const index = await createApiKeyIndex({
    store: options.keys,
    now,
    ...(options.keyPollIntervalMs === undefined ? {} : { pollIntervalMs: options.keyPollIntervalMs }),
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  });
  const limiter = createLimiter({
    limits: options.limits,
    now,
    ...(options.rateLimitStore ? { store: options.rateLimitStore } : {}),
  });

  // One principal object per certificate keeps the policy's per-principal cache effective.
  const mtlsPrincipals = new Map<string, Principal>();
  const cachedMtlsPrincipal = (cert: NonNullable<AuthRequest['peerCertificate']>): Principal => {
    const cacheKey = `${cert.fingerprint256}\u0000${cert.subjectCN ?? ''}`;
    let p = mtlsPrincipals.get(cacheKey);
    if (!p) {
      p = mtlsPrincipal(cert);
      if (mtlsPrincipals.size >= MTLS_PRINCIPAL_CACHE_ENTRIES) mtlsPrincipals.clear();
      mtlsPrincipals.set(cacheKey, p);
    }
    return p;
  };

  const authenticateKey = (key: string, client: IpAddress): Principal | Promise<Principal> => {
    if (!isApiKeyShape(key)) throw new WardenError('AUTH_INVALID');
    const found = index.lookup(key);
    if (found) return admitKey(found, client, now(), index);
    // A key created a moment ago by another process may not be indexed yet.
    return index.reloadAfterMiss().then(() => {
      const again = index.lookup(key);
      if (!again) throw new WardenError('AUTH_INVALID');
      return admitKey(again, client, now(), index);
    });
  };

  const authenticate = (req: AuthRequest): AuthResult | Promise<AuthResult> => {
    rejectCredentialsInUrl(req.url);
    const client = resolveClientAddress(req.headers, req.remoteAddress, trustedProxies);
    if (!ipAllow.empty && !ipAllow.contains(client)) throw new WardenError('IP_DENIED');
    const clientAddress = client.text;
    if (auth.mode === 'none') return { principal: ANONYMOUS, clientAddress };
    const credential = extractCredential(req.headers, req.rawHeaders);
    let principal: Principal | Promise<Principal>;
    if (credential === undefined) {
      if (options.mtls !== true || !req.peerCertificate) throw new WardenError('AUTH_REQUIRED');
      principal = cachedMtlsPrincipal(req.peerCertificate);
    } else if (credential.startsWith('wdn_')) principal = authenticateKey(credential, client);
    else if (verifyJwt) principal = verifyJwt(credential);
    else throw new WardenError('AUTH_INVALID');
    if (principal instanceof Promise) return principal.then((p) => ({ principal: p, clientAddress }));
    return { principal, clientAddress };
  };

  return {
    authenticate,
    credentialValid: credentialCheck(
      index,
      verifyJwt && auth.jwt ? auth.jwt.clockSkewSec * 1000 : undefined,
      now,
    ),
    correlationId,
    limiter,
    refreshKeys: () => index.refresh(),
    close: () => index.close(),
  };
}
