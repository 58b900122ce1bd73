import { createHash } from 'node:crypto';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { canonicalJson } from '../audit/canonical-json.js';
import { WardenError } from '../errors/index.js';
import type { ToolDefinition } from '../mcp/wire.js';
import { assertArgLimits, DEFAULT_ARG_LIMITS, type ArgLimits } from './arg-limits.js';

/** Compiled validators kept by canonical schema hash (identical schemas of different definitions share one). */
export const MAX_CACHED_SCHEMAS = 2048;
/** Longest error text returned to a client. */
export const MAX_ARG_ERROR_CHARS = 200;

/** Checks tool-call arguments against the tool's inputSchema. */
export interface ArgValidator {
  /** Throws ARGS_INVALID naming the failing path, or TOOL_SCHEMA_INVALID when the schema cannot be compiled. */
  validate(tool: ToolDefinition, args: unknown): void;
}

/** Options for {@link createArgValidator}. */
export interface ArgValidatorOptions {
  /** @default DEFAULT_ARG_LIMITS */
  limits?: ArgLimits;
}

type Compiled = ValidateFunction | WardenError;

const DIALECT = /^https?:\/\/json-schema\.org\/(draft\/2020-12|draft\/2019-09|draft-07|draft-06)\/schema#?$/;

// ajv-formats is CommonJS with a default export; under NodeNext its callable sits on `.default`.
const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv };

function describe(error: ErrorObject): string {
  let path = error.instancePath;
  let message = error.message ?? 'is invalid';
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    path += `/${params.missingProperty}`;
    message = 'is required';
  } else if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    path += `/${params.additionalProperty}`;
    message = 'is not allowed';
  }
  const text = `${path === '' ? '/' : path}: ${message}`;
  return text.length > MAX_ARG_ERROR_CHARS ? `${text.slice(0, MAX_ARG_ERROR_CHARS)}…` : text;
}

/** Creates a validator that compiles each schema once (per definition object and per canonical schema). */
export function createArgValidator(options: ArgValidatorOptions = {}): ArgValidator {
  const limits = options.limits ?? DEFAULT_ARG_LIMITS;
  const ajvOptions = { strict: false, allErrors: false, validateSchema: true, addUsedSchema: false };
  const draft7 = addFormats.default(new Ajv(ajvOptions));
  const by2019 = addFormats.default(new Ajv2019(ajvOptions));
  const by2020 = addFormats.default(new Ajv2020(ajvOptions));
  const byDefinition = new WeakMap<ToolDefinition, Compiled>();
  const byHash = new Map<string, Compiled>();

  const compile = (schema: Record<string, unknown>): Compiled => {
    let hash: string;
    try {
      hash = createHash('sha256').update(canonicalJson(schema)).digest('hex');
    } catch (error) {
      // A schema JSON cannot canonicalise (nested beyond reason) is refused like one ajv cannot compile.
      return new WardenError('TOOL_SCHEMA_INVALID', undefined, { cause: error });
    }
    const cached = byHash.get(hash);
    if (cached) return cached;
    let compiled: Compiled;
    try {
      const { $schema, ...rest } = schema;
      const dialect =
        $schema === undefined
          ? 'draft-07'
          : typeof $schema === 'string'
            ? DIALECT.exec($schema)?.[1]
            : undefined;
      if (dialect === undefined) throw new Error('unsupported $schema dialect');
      // The dialect picks the validator; the $schema URI itself is dropped so http/https spellings all work.
      const ajv = dialect === 'draft/2020-12' ? by2020 : dialect === 'draft/2019-09' ? by2019 : draft7;
      compiled = ajv.compile(rest);
    } catch (error) {
      // Fail closed: a tool whose schema cannot be compiled cannot be called.
      compiled = new WardenError('TOOL_SCHEMA_INVALID', undefined, { cause: error });
    }
    if (byHash.size >= MAX_CACHED_SCHEMAS) byHash.clear();
    byHash.set(hash, compiled);
    return compiled;
  };

  return {
    validate(tool, args) {
      let compiled = byDefinition.get(tool);
      if (!compiled) {
        const schema: unknown = tool.inputSchema;
        compiled =
          typeof schema === 'object' && schema !== null && !Array.isArray(schema)
            ? compile(schema as Record<string, unknown>)
            : new WardenError('TOOL_SCHEMA_INVALID');
        byDefinition.set(tool, compiled);
      }
      if (compiled instanceof WardenError)
        throw new WardenError(compiled.code, compiled.message, { cause: compiled.cause });
      assertArgLimits(args, limits);
      if (!compiled(args)) {
        const first = compiled.errors?.[0];
        throw new WardenError('ARGS_INVALID', first ? describe(first) : 'arguments are invalid', {
          details: { path: first?.instancePath ?? '' },
        });
      }
    },
  };
}
