import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { WardenError } from '../errors/index.js';
import { resolveEnvRefs, type MissingEnvRef } from './env-refs.js';
import { resolveConfigPaths } from './resolve-paths.js';
import { checkConfigRules, type ConfigProblem } from './rules.js';
import { configSchema, type WardenConfig } from './schema.js';

/** Most alias expansions a config may make (yaml's own default), so that an anchor bomb is refused, not built. */
const MAX_YAML_ALIAS_COUNT = 100;

/** A problem with its location in the file, ready to print. */
export interface LocatedProblem extends ConfigProblem {
  /** 1-based line and column in the config file, when known. */
  line?: number;
  column?: number;
}

/** The outcome of reading a config: a frozen config when there are no errors, and every problem found. */
export interface ConfigCheck {
  config: WardenConfig | undefined;
  problems: LocatedProblem[];
}

/** Options for {@link checkConfigText}. */
export interface CheckConfigOptions {
  /** Folder that relative paths in the config resolve against. */
  baseDir: string;
  file?: string;
  env?: NodeJS.ProcessEnv;
}

/** Parses, validates and checks a config text, collecting every problem at once. */
export function checkConfigText(text: string, options: CheckConfigOptions): ConfigCheck {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const locate = (path: (string | number)[]): { line?: number; column?: number } => {
    const pos = positionOf(doc, path);
    if (pos === undefined) return {};
    const { line, col } = lineCounter.linePos(pos);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      return {
        path: [],
        message: e.message.split('\n')[0] ?? e.message,
        severity: 'error' as const,
        line,
        column: col,
      };
    });
    return { config: undefined, problems };
  }
  let js: unknown;
  try {
    // yaml refuses to expand aliases past its limit (an "anchor bomb") by throwing here, not in doc.errors.
    js = doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof Error ? error.message : 'the YAML cannot be read';
    return { config: undefined, problems: [{ path: [], message, severity: 'error' }] };
  }
  const missing: MissingEnvRef[] = [];
  const raw = resolveEnvRefs(js ?? {}, options.env ?? process.env, missing);
  const problems: LocatedProblem[] = missing.map((m) => ({
    path: m.path,
    message: `environment variable ${m.name} is not set`,
    severity: 'error',
    ...locate(m.path),
  }));
  // A config is parsed once per start or reload: zod's compiled fast path would cost more to build (about 6 ms
  // at start-up) than it saves.
  const parsed = configSchema.safeParse(raw, { jitless: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      problems.push({ path, message: issue.message, severity: 'error', ...locate(path) });
    }
    return { config: undefined, problems };
  }
  const config = deepFreeze({
    ...resolveConfigPaths(parsed.data, options.baseDir),
    baseDir: options.baseDir,
    file: options.file,
  });
  for (const p of checkConfigRules(config)) problems.push({ ...p, ...locate(p.path) });
  return { config: problems.some((p) => p.severity === 'error') ? undefined : config, problems };
}

/** Reads and checks a config file. */
export async function checkConfigFile(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ConfigCheck> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new WardenError('CONFIG_NOT_FOUND', `cannot read ${file}`, { cause: error });
  }
  return checkConfigText(text, { baseDir: dirname(path), file: path, env });
}

/** Reads a config file and returns it, or throws CONFIG_INVALID listing every error. */
export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<WardenConfig> {
  const { config, problems } = await checkConfigFile(file, env);
  if (config) return config;
  const errors = problems.filter((p) => p.severity === 'error');
  throw new WardenError(
    'CONFIG_INVALID',
    `${file}: ${errors.length} error(s)\n${errors.map(formatProblem).join('\n')}`,
    {
      details: { problems: errors },
    },
  );
}

/** One line per problem: `line:col path: message`. */
export function formatProblem(p: LocatedProblem): string {
  const where = p.line === undefined ? '' : `${p.line}:${p.column ?? 1} `;
  const path = p.path.length > 0 ? p.path.join('.') : '(root)';
  return `${where}${p.severity === 'warning' ? 'warning ' : ''}${path}: ${p.message}`;
}

/** Absolute path of the SQLite store named by the config. */
export function storePath(config: WardenConfig): string {
  return config.store.sqlite === ':memory:' ? ':memory:' : resolve(config.baseDir, config.store.sqlite);
}

/** Builds a config from an object (tests, embedding), applying the same schema and rules as a file. */
export function configFromObject(value: unknown, options: CheckConfigOptions): WardenConfig {
  const result = checkConfigText(JSON.stringify(value), options);
  if (result.config) return result.config;
  throw new WardenError('CONFIG_INVALID', result.problems.map(formatProblem).join('\n'));
}

function positionOf(doc: Document, path: (string | number)[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = doc.getIn(path.slice(0, n), true);
    if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
      const start: unknown = node.range[0];
      if (typeof start === 'number') return start;
    }
  }
  return undefined;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
