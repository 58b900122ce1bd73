import { resolve } from 'node:path';
import type * as z from 'zod';
import type { configSchema } from './schema.js';

type ParsedConfig = z.output<typeof configSchema>;

/**
 * Makes the paths that other modules open as given (TLS files, sandbox mounts) absolute against the config's
 * folder, like every other path in the config. Left relative, they would follow the directory Warden happens to
 * start in: a `clientCa: ca.pem` would then trust whatever CA file someone put there.
 */
export function resolveConfigPaths(config: ParsedConfig, baseDir: string): ParsedConfig {
  const at = (path: string): string => resolve(baseDir, path);
  const tls = config.listen.tls;
  const upstreams = Object.fromEntries(
    Object.entries(config.upstreams).map(([name, upstream]) => [
      name,
      'command' in upstream && upstream.sandbox
        ? {
            ...upstream,
            sandbox: {
              ...upstream.sandbox,
              paths: upstream.sandbox.paths.map(at),
              writable: upstream.sandbox.writable.map(at),
            },
          }
        : upstream,
    ]),
  );
  if (!tls) return { ...config, upstreams };
  const clientCa = tls.clientCa === undefined ? {} : { clientCa: at(tls.clientCa) };
  return {
    ...config,
    listen: { ...config.listen, tls: { ...tls, cert: at(tls.cert), key: at(tls.key), ...clientCa } },
    upstreams,
  };
}
