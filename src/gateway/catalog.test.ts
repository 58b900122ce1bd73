import { describe, expect, it } from 'vitest';
import { Catalog, templateToRegExp, type UpstreamListing } from './catalog.js';

const listing = (upstream: string, prefix: boolean, names: string[]): UpstreamListing => ({
  upstream,
  prefix,
  tools: names.map((name) => ({ name, description: `${upstream} ${name}`, inputSchema: { type: 'object' } })),
  prompts: [],
  resources: [],
  resourceTemplates: [],
});

describe('Catalog', () => {
  it('prefixes names and keeps definitions otherwise unchanged', () => {
    const catalog = Catalog.build([], [listing('a', true, ['read']), listing('b', false, ['write'])]);
    expect([...catalog.tools.keys()]).toEqual(['a__read', 'write']);
    expect(catalog.tools.get('a__read')?.definition).toEqual({
      name: 'a__read',
      description: 'a read',
      inputSchema: { type: 'object' },
    });
    expect(catalog.tools.get('a__read')?.originalName).toBe('read');
  });

  it('stops on a collision, naming both sources', () => {
    expect(() => Catalog.build([], [listing('a', false, ['x']), listing('b', false, ['x'])])).toThrow(
      'tool "x" is offered by both upstream "a" and upstream "b"',
    );
  });

  it('refuses a run-time listing that would shadow another source, keeping the old one', () => {
    const catalog = Catalog.build([], [listing('a', false, ['x']), listing('b', false, ['y'])]);
    const error = catalog.replace(listing('b', false, ['y', 'x']));
    expect(error?.code).toBe('TOOL_NAME_COLLISION');
    expect(catalog.tools.get('x')?.upstream).toBe('a');
    expect(catalog.tools.has('y')).toBe(true);
  });

  it('matches resource templates one segment per variable', () => {
    const re = templateToRegExp('test://template/{id}/data');
    expect(re.test('test://template/123/data')).toBe(true);
    expect(re.test('test://template/1/2/data')).toBe(false);
    expect(re.test('test://template/.*/data')).toBe(true);
    expect(templateToRegExp('a.b://{x}').test('aXb://y')).toBe(false);
  });
});
