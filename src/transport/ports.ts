import type { IncomingHttpHeaders } from 'node:http';
import type { WardenError } from '../errors/index.js';
import type { Principal } from '../policy/principal.js';

/** Facts about an HTTP request that authentication looks at. */
export interface HttpRequestFacts {
  headers: IncomingHttpHeaders;
  remoteAddress: string;
  url: string;
  /** Header lines as received (name, value, …): Node keeps only the first of a repeated Authorization. */
  rawHeaders?: readonly string[] | undefined;
  peerCertificate?: { fingerprint256: string; subjectCN?: string | undefined } | undefined;
}

/** Who the caller is and where it really came from (after trusted proxies). */
export interface AuthResult {
  principal: Principal;
  clientAddress: string;
}

/** What the HTTP front end needs from the guard (src/guard). */
export interface HttpGuardPort {
  authenticate(req: HttpRequestFacts): AuthResult | Promise<AuthResult>;
  correlationId(headers: IncomingHttpHeaders): string;
  /** Headers for a refusal: WWW-Authenticate for 401s, Retry-After and RateLimit for 429s. */
  refusalHeaders(error: WardenError): Record<string, string>;
  /** RFC 9728 protected-resource metadata, when the server accepts OAuth bearer tokens. */
  protectedResourceMetadata?(): object | undefined;
  /** Whether the credential behind a principal is still accepted: sessions whose credential is not are closed. */
  credentialValid(principal: Principal): boolean;
}

/** Renders Prometheus metrics. */
export interface MetricsRenderPort {
  render(): Promise<{ contentType: string; body: string }>;
}
