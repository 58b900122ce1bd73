import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../policy/principal.js';

/** Facts about an HTTP request that authentication looks at. */
export interface HttpRequestFacts {
  headers: IncomingHttpHeaders;
  remoteAddress: string;
  url: string;
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
  /** WWW-Authenticate value for 401 answers. */
  wwwAuthenticate?(): string;
  /** RFC 9728 protected-resource metadata, when the server uses OAuth bearer tokens. */
  protectedResourceMetadata?(): Record<string, unknown> | undefined;
}

/** Renders Prometheus metrics. */
export interface MetricsRenderPort {
  render(): Promise<{ contentType: string; body: string }>;
}
