import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorsReferenceMarkdown } from '../errors/reference.js';
import { configJsonSchema, configReferenceMarkdown } from './reference.js';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('generated references (run `npm run docs` after changing the schema or the catalogue)', () => {
  it('schema/warden.schema.json matches the zod schema', () => {
    expect(JSON.parse(read('schema/warden.schema.json'))).toEqual(configJsonSchema());
  });

  it('docs/configuration.md matches the zod schema', () => {
    expect(read('docs/configuration.md')).toBe(configReferenceMarkdown());
  });

  it('docs/errors.md documents every error code in the catalogue', () => {
    expect(read('docs/errors.md')).toBe(errorsReferenceMarkdown());
  });

  it('describes every configuration key', () => {
    const undocumented = configReferenceMarkdown()
      .split('\n')
      .filter((l) => l.startsWith('| `') && l.trimEnd().endsWith('|  |'));
    expect(undocumented).toEqual([]);
  });
});
