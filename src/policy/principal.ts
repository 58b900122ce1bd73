/** How a principal proved who it is. */
export type AuthMethod = 'none' | 'stdio' | 'api-key' | 'jwt' | 'mtls';

/** Who is calling: the subject of every policy decision and audit record. */
export interface Principal {
  /** Stable name, e.g. the key's principal or the token's subject. */
  readonly id: string;
  readonly groups: readonly string[];
  readonly scopes: readonly string[];
  readonly authMethod: AuthMethod;
  /** API key id, token id (jti) or certificate fingerprint, for audit; never the secret. */
  readonly credentialId?: string;
  /** When a self-contained credential (a JWT's `exp`) stops being valid, in ms since the epoch. */
  readonly expiresAtMs?: number;
}
