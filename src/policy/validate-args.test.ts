import { describe, expect, it } from 'vitest';
import { isWardenError } from '../errors/index.js';
import type { ToolDefinition } from '../mcp/wire.js';
import { assertArgLimits } from './arg-limits.js';
import { createArgValidator } from './validate-args.js';

function tool(inputSchema: Record<string, unknown>): ToolDefinition {
  return { name: 't', inputSchema };
}

function errorOf(fn: () => void): { code: string; message: string } | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (isWardenError(error)) return { code: error.code, message: error.message };
    throw error;
  }
}

const readTool = tool({
  type: 'object',
  properties: {
    path: { type: 'string' },
    limit: { type: 'integer', minimum: 1 },
    opts: { type: 'object', properties: { deep: { type: 'array', items: { type: 'string' } } } },
  },
  required: ['path'],
  additionalProperties: false,
});

describe('createArgValidator', () => {
  it('accepts valid arguments', () => {
    const v = createArgValidator();
    expect(errorOf(() => v.validate(readTool, { path: '/a', limit: 3, opts: { deep: ['x'] } }))).toBe('ok');
  });

  it('names the failing JSON path', () => {
    const v = createArgValidator();
    expect(errorOf(() => v.validate(readTool, { path: 5 }))).toEqual({
      code: 'ARGS_INVALID',
      message: '/path: must be string',
    });
    expect(errorOf(() => v.validate(readTool, {}))).toEqual({
      code: 'ARGS_INVALID',
      message: '/path: is required',
    });
    expect(errorOf(() => v.validate(readTool, { path: 'a', extra: 1 }))).toEqual({
      code: 'ARGS_INVALID',
      message: '/extra: is not allowed',
    });
    expect(errorOf(() => v.validate(readTool, { path: 'a', limit: 0 }))).toEqual({
      code: 'ARGS_INVALID',
      message: '/limit: must be >= 1',
    });
    expect(errorOf(() => v.validate(readTool, { path: 'a', opts: { deep: ['x', 2] } }))).toEqual({
      code: 'ARGS_INVALID',
      message: '/opts/deep/1: must be string',
    });
    expect(errorOf(() => v.validate(readTool, 'not an object'))).toEqual({
      code: 'ARGS_INVALID',
      message: '/: must be object',
    });
  });

  it('validates formats', () => {
    const v = createArgValidator();
    const t = tool({ type: 'object', properties: { url: { type: 'string', format: 'uri' } } });
    expect(errorOf(() => v.validate(t, { url: 'https://example.test/' }))).toBe('ok');
    expect(errorOf(() => v.validate(t, { url: 'not a uri' }))).toEqual({
      code: 'ARGS_INVALID',
      message: '/url: must match format "uri"',
    });
  });

  it('uses the 2020-12 dialect when the schema says so, draft-07 otherwise', () => {
    const v = createArgValidator();
    const t2020 = tool({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { xs: { type: 'array', prefixItems: [{ type: 'string' }], items: false } },
    });
    expect(errorOf(() => v.validate(t2020, { xs: ['a'] }))).toBe('ok');
    expect(errorOf(() => v.validate(t2020, { xs: ['a', 'b'] }))).toMatchObject({
      code: 'ARGS_INVALID',
      message: expect.stringMatching(/^\/xs: /),
    });
    const t07 = tool({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { xs: { type: 'array', items: [{ type: 'string' }], additionalItems: false } },
    });
    expect(errorOf(() => v.validate(t07, { xs: ['a', 'b'] }))).toMatchObject({ code: 'ARGS_INVALID' });
    for (const $schema of [
      'http://json-schema.org/draft-06/schema#',
      'https://json-schema.org/draft-07/schema',
      'http://json-schema.org/draft/2020-12/schema',
    ]) {
      expect(
        errorOf(() => v.validate(tool({ $schema, type: 'object', required: ['a'] }), {})),
        $schema,
      ).toEqual({ code: 'ARGS_INVALID', message: '/a: is required' });
    }
  });

  it('refuses calls to tools whose schema cannot be compiled (fail closed), every time', () => {
    const v = createArgValidator();
    for (const schema of [
      { type: 'no-such-type' },
      { $ref: 'https://elsewhere.test/schema.json' },
      { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' },
      { properties: 5 },
    ]) {
      const t = tool(schema);
      expect(
        errorOf(() => v.validate(t, {})),
        JSON.stringify(schema),
      ).toMatchObject({ code: 'TOOL_SCHEMA_INVALID' });
      expect(errorOf(() => v.validate(t, {}))).toMatchObject({ code: 'TOOL_SCHEMA_INVALID' });
    }
    expect(
      errorOf(() => v.validate({ name: 'x', inputSchema: [] as unknown as Record<string, unknown> }, {})),
    ).toMatchObject({ code: 'TOOL_SCHEMA_INVALID' });
  });

  it('compiles once per definition and shares identical schemas', () => {
    const v = createArgValidator();
    const a = tool({ type: 'object', properties: { x: { type: 'string' } } });
    const b = tool({ properties: { x: { type: 'string' } }, type: 'object' });
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) v.validate(i % 2 ? a : b, { x: 'y' });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('does not confuse two definitions with the same $id', () => {
    const v = createArgValidator();
    const a = tool({
      $id: 'https://schemas.test/same.json',
      type: 'object',
      properties: { x: { type: 'string' } },
    });
    const b = tool({
      $id: 'https://schemas.test/same.json',
      type: 'object',
      properties: { x: { type: 'number' } },
    });
    expect(errorOf(() => v.validate(a, { x: 's' }))).toBe('ok');
    expect(errorOf(() => v.validate(b, { x: 1 }))).toBe('ok');
    expect(errorOf(() => v.validate(b, { x: 's' }))).toMatchObject({ code: 'ARGS_INVALID' });
  });

  it('refuses huge and deeply nested payloads before schema validation, quickly', () => {
    const v = createArgValidator();
    const open = tool({ type: 'object' });
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    const started = performance.now();
    expect(errorOf(() => v.validate(open, deep))).toEqual({
      code: 'ARGS_INVALID',
      message: 'arguments are nested too deeply',
    });
    expect(errorOf(() => v.validate(open, { xs: new Array(1_000_000).fill(0) }))).toEqual({
      code: 'ARGS_INVALID',
      message: 'arguments have too many values',
    });
    expect(errorOf(() => v.validate(open, { s: 'x'.repeat(9 * 1024 * 1024) }))).toEqual({
      code: 'ARGS_INVALID',
      message: 'arguments are too large',
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('keeps error messages short even for attacker-chosen property names', () => {
    const v = createArgValidator();
    const t = tool({ type: 'object', additionalProperties: false });
    const result = errorOf(() => v.validate(t, { ['k'.repeat(5000)]: 1 }));
    expect(result).toMatchObject({ code: 'ARGS_INVALID' });
    expect(result !== 'ok' && result.message.length).toBeLessThanOrEqual(201);
  });
});

describe('assertArgLimits', () => {
  it('counts keys towards the size cap and honours custom limits', () => {
    expect(() =>
      assertArgLimits({ ['k'.repeat(20)]: 1 }, { maxDepth: 5, maxNodes: 10, maxStringChars: 10 }),
    ).toThrow(expect.objectContaining({ code: 'ARGS_INVALID' }));
    expect(() => assertArgLimits([[[1]]], { maxDepth: 2, maxNodes: 10, maxStringChars: 10 })).toThrow(
      expect.objectContaining({ message: 'arguments are nested too deeply' }),
    );
    expect(() => assertArgLimits([[1]], { maxDepth: 2, maxNodes: 10, maxStringChars: 10 })).not.toThrow();
  });
});
