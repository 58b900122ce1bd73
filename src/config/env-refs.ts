/** A `${env:NAME}` reference inside a config string. */
const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** An unresolved reference, with the config path where it appeared. */
export interface MissingEnvRef {
  path: (string | number)[];
  name: string;
}

/**
 * Replaces every `${env:NAME}` in the string leaves of `value` with the variable's value. Missing variables are
 * collected rather than thrown, so that every problem in a config is reported at once.
 */
export function resolveEnvRefs(
  value: unknown,
  env: NodeJS.ProcessEnv,
  missing: MissingEnvRef[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (_match, name: string) => {
      const found = env[name];
      if (found === undefined) {
        missing.push({ path, name });
        return '';
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => resolveEnvRefs(item, env, missing, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      out[key] = resolveEnvRefs(item, env, missing, [...path, key]);
    return out;
  }
  return value;
}
