import type { AuthConfig } from '../config/access.js';
import { WardenError } from '../errors/index.js';

/** Refuses `mode: none` on a non-loopback listener and `mode: jwt` without JWT settings (CONFIG_INVALID). */
export function checkAuthMode(auth: AuthConfig, listenIsLoopback: boolean): void {
  if (auth.mode === 'none' && !listenIsLoopback) {
    throw new WardenError('CONFIG_INVALID', 'auth.mode none is allowed only on a loopback listener or stdio');
  }
  if (auth.mode === 'jwt' && auth.jwt === undefined) {
    throw new WardenError('CONFIG_INVALID', 'auth.mode jwt needs auth.jwt settings');
  }
}
