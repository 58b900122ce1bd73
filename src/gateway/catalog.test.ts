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

  it('stops on names of two sources that differ only in letter case, as on an exact twin', () => {
    expect(() =>
      Catalog.build([], [listing('a', false, ['fs_read']), listing('b', false, ['FS_Read'])]),
    ).toThrow('tool "FS_Read" is offered by both upstream "a" and upstream "b"');
    const catalog = Catalog.build([], [listing('a', false, ['x']), listing('b', false, ['y'])]);
    expect(catalog.replace(listing('b', false, ['y', 'X']))?.code).toBe('TOOL_NAME_COLLISION');
    expect([...catalog.tools.keys()]).toEqual(['x', 'y']);
  });

  it('lets one source offer names that differ only in case, and resources whose URIs do', () => {
    const a = {
      ...listing('a', false, ['get', 'Get']),
      resources: [{ uri: 'file:///A' }, { uri: 'file:///a' }],
    };
    const b = { ...listing('b', false, []), resources: [{ uri: 'FILE:///A' }] };
    const catalog = Catalog.build([], [a, b]);
    expect([...catalog.tools.keys()]).toEqual(['get', 'Get']);
    expect(catalog.resources.size).toBe(3);
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
