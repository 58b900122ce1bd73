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
    // fromEntries defines a "__proto__" key as a key: assigning it would set the prototype instead, and the
    // schema would then read settings through it that its unknown-key and duplicate-key checks never see.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveEnvRefs(item, env, missing, [...path, key])]),
    );
  }
  return value;
}
