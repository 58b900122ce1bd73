import { WardenError } from '../errors/index.js';

const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\./;

const CREDENTIAL_PARAMS = new Set([
  'access_token',
  'api_key',
  'apikey',
  'api-key',
  'key',
  'token',
  'auth',
  'authorization',
  'bearer',
  'id_token',
  'jwt',
  'password',
  'secret',
  'x-api-key',
]);

/**
 * Refuses a request whose URL carries a credential: a query parameter with a credential-like name, any value
 * that looks like a Warden key, or userinfo. URLs end up in proxy logs and browser history.
 */
export function rejectCredentialsInUrl(url: string): void {
  const q = url.indexOf('?');
  if (url.includes('wdn_') || /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url)) {
    throw new WardenError('CREDENTIAL_IN_URL');
  }
  if (q < 0) return;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const [name, value] of params) {
    if (CREDENTIAL_PARAMS.has(name.toLowerCase()) || value.includes('wdn_') || JWT_SHAPE.test(value)) {
      throw new WardenError('CREDENTIAL_IN_URL');
    }
  }
}
