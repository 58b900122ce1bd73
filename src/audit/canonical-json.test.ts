import { describe, expect, it } from 'vitest';
import { canonicalJson, jsonString } from './canonical-json.js';
import { recordContentJson } from './chain.js';
import type { AuditRecordContent } from './record.js';

describe('jsonString', () => {
  it('quotes exactly as JSON.stringify does, escapes and surrogates included', () => {
    const edges = [
      '',
      'plain',
      'a"b',
      'back\\slash',
      '\u0000\u0007\b\f\n\r\t\u001f',
      '\u007f\u0080\u2028\u2029',
      '\ud800',
      'x\udfffy',
      '\ud83d\ude00',
      '\ude00\ud83d',
      '€ and ﬀ',
    ];
    for (const text of edges) expect(jsonString(text)).toBe(JSON.stringify(text));
    // Random text over an alphabet rich in characters that need escaping; the seed keeps failures reproducible.
    const alphabet = [
      'a',
      'Z',
      '0',
      ' ',
      '"',
      '\\',
      '/',
      '\n',
      '\u0001',
      '\u001f',
      '\u007f',
      'é',
      '\u2028',
      '\ud800',
      '\udc00',
      '\ud83d\ude00',
    ];
    let seed = 42;
    const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648);
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      const length = next() % 12;
      for (let k = 0; k < length; k++) text += alphabet[next() % alphabet.length] ?? '';
      expect(jsonString(text)).toBe(JSON.stringify(text));
    }
  });
});

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' }, A: null })).toBe(
      '{"A":null,"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
    // RFC 8785 §3.2.3: "\u20ac" (€) sorts after "\r" and the astral "😀" (surrogates D83D…) before "ﬀ" (FB00).
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '\ufb00': 3, '😀': 4 })).toBe(
      '{"\\r":2,"€":1,"😀":4,"ﬀ":3}',
    );
  });

  it('prints numbers in ECMAScript shortest form', () => {
    expect(canonicalJson([1e21, 1e-7, -0, 0.1 + 0.2, 100, 4.5])).toBe(
      '[1e+21,1e-7,0,0.30000000000000004,100,4.5]',
    );
  });

  it('skips undefined members and writes undefined array items as null', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });

  it('rejects values JSON cannot represent', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow('non-finite number');
    expect(() => canonicalJson(Infinity)).toThrow('non-finite number');
    expect(() => canonicalJson({ a: 1n })).toThrow('cannot serialise a bigint');
    expect(() => canonicalJson({ f: () => 1 })).toThrow('cannot serialise a function');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow('circular value');
    let deep: unknown = 1;
    for (let i = 0; i < 1000; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow('value nested too deeply');
  });

  it('serialises a shared (non-circular) object twice', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it('escapes strings as JSON does', () => {
    expect(canonicalJson('a"b\\c\n\u0001')).toBe('"a\\"b\\\\c\\n\\u0001"');
  });
});

describe('recordContentJson', () => {
  const full: AuditRecordContent = {
    seq: 7,
    time: 1_700_000_000_123,
    correlationId: 'req-"7"',
    principal: 'alice',
    authMethod: 'api-key',
    clientAddress: '::1',
    sessionId: 's-1',
    upstream: 'everything',
    method: 'tools/call',
    name: 'echo',
    argsDigest: 'ab'.repeat(32),
    args: '{"message":"hi"}',
    decision: 'ask-allow',
    rule: 'rules[0]',
    status: 'ok',
    errorCode: null,
    durationMs: 0.25,
    requestBytes: 100,
    responseBytes: 2000,
    prevHash: 'cd'.repeat(32),
  };

  it('equals the generic canonical serialisation of the same content', () => {
    expect(recordContentJson(full, full.seq, full.prevHash)).toBe(canonicalJson(full));
    const sparse = {
      ...full,
      clientAddress: null,
      sessionId: null,
      upstream: null,
      name: null,
      args: null,
      argsDigest: null,
      rule: null,
      errorCode: 'POLICY_DENIED',
    };
    expect(recordContentJson(sparse, sparse.seq, sparse.prevHash)).toBe(canonicalJson(sparse));
  });
});
