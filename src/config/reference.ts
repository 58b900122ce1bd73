import * as z from 'zod';
import { configSchema } from './schema.js';

interface Row {
  key: string;
  type: string;
  defaultValue: string;
  description: string;
}

function typeName(schema: Record<string, unknown>): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (Array.isArray(schema.anyOf)) return 'one of several shapes';
  const type = schema.type;
  if (type === 'array') {
    const items = schema.items;
    return `${typeof items === 'object' && items !== null ? typeName(items as Record<string, unknown>) : 'any'}[]`;
  }
  if (
    type === 'object' &&
    schema.additionalProperties &&
    typeof schema.additionalProperties === 'object' &&
    !schema.properties
  )
    return 'map';
  return typeof type === 'string' ? type : 'any';
}

function collect(schema: Record<string, unknown>, prefix: string, rows: Row[]): void {
  const properties = schema.properties;
  if (typeof properties !== 'object' || properties === null) return;
  for (const [key, value] of Object.entries(properties as Record<string, Record<string, unknown>>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const description = typeof value.description === 'string' ? value.description : '';
    rows.push({
      key: path,
      type: typeName(value),
      defaultValue: value.default === undefined ? '' : JSON.stringify(value.default),
      description,
    });
    collect(value, path, rows);
    const extra = value.additionalProperties;
    if (typeof extra === 'object' && extra !== null)
      collect(extra as Record<string, unknown>, `${path}.<name>`, rows);
    const items = value.items;
    if (typeof items === 'object' && items !== null)
      collect(items as Record<string, unknown>, `${path}[]`, rows);
    if (Array.isArray(value.anyOf))
      for (const option of value.anyOf as Record<string, unknown>[]) collect(option, path, rows);
  }
}

/** The JSON Schema of warden.yaml, generated from the zod schema (for editors). */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
}

/** The configuration reference (docs/configuration.md), generated from the schema's descriptions. */
export function configReferenceMarkdown(): string {
  const rows: Row[] = [];
  collect(configJsonSchema(), '', rows);
  const seen = new Set<string>();
  const lines = rows
    .filter((r) => !seen.has(r.key) && seen.add(r.key))
    .map(
      (r) =>
        `| \`${r.key}\` | ${r.type.replace(/\|/g, '\\|')} | ${r.defaultValue ? `\`${r.defaultValue.replace(/\|/g, '\\|')}\`` : ''} | ${r.description.replace(/\|/g, '\\|')} |`,
    );
  return [
    '# Configuration reference',
    '',
    'Generated from the zod schema in `src/config/` by `npm run docs`; a test keeps it current.',
    'Strings may reference environment variables as `${env:NAME}`; a missing variable is an error.',
    'Check a file with `warden config check --config warden.yaml`. The JSON Schema for editors is `schema/warden.schema.json`.',
    '',
    '| key | type | default | description |',
    '| --- | --- | --- | --- |',
    ...lines,
    '',
  ].join('\n');
}
