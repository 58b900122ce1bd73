import type { AuthConfig } from '../config/access.js';

/** Path of the RFC 9728 protected-resource metadata document. */
export const RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

/** The RFC 9728 document served at `/.well-known/oauth-protected-resource`. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers?: string[];
  bearer_methods_supported: string[];
  resource_name: string;
}

function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, '')}"`;
}

/** The `WWW-Authenticate` value of a 401: a Bearer challenge pointing at the resource metadata (RFC 9728 §5.1). */
export function wwwAuthenticate(
  resourceMetadataUrl: string | undefined,
  error?: 'invalid_token' | 'invalid_request',
): string {
  // Without OAuth (API keys) there is no metadata document to point to, only the scheme and a realm.
  const parts =
    resourceMetadataUrl === undefined
      ? ['realm="warden"']
      : [`resource_metadata=${quoted(resourceMetadataUrl)}`];
  if (error) parts.unshift(`error=${quoted(error)}`);
  return `Bearer ${parts.join(', ')}`;
}

/** Where the metadata of a resource is published: its origin plus the well-known path. */
export function resourceMetadataUrl(resource: string): string {
  return new URL(RESOURCE_METADATA_PATH, resource).href;
}

/** The protected-resource metadata for this server; `resource` defaults to `auth.resource`. */
export function protectedResourceMetadata(auth: AuthConfig, resource?: string): ProtectedResourceMetadata {
  const metadata: ProtectedResourceMetadata = {
    resource: resource ?? auth.resource ?? '',
    bearer_methods_supported: ['header'],
    resource_name: 'Warden',
  };
  if (auth.mode === 'jwt' && auth.jwt) metadata.authorization_servers = [auth.jwt.issuer];
  return metadata;
}
