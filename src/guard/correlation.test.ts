import { describe, expect, it } from 'vitest';
import {
  correlationId,
  newCorrelationId,
  resolveCorrelation,
  traceIdFromTraceparent,
} from './correlation.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE}-00f067aa0ba902b7-01`;

describe('correlation ids', () => {
  it('accepts a well-formed X-Request-Id as is', () => {
    expect(resolveCorrelation({ 'x-request-id': 'req-1.2:3_A' })).toEqual({
      id: 'req-1.2:3_A',
      source: 'x-request-id',
      rejected: false,
    });
    expect(correlationId({ 'x-request-id': 'a'.repeat(128) })).toBe('a'.repeat(128));
  });

  it('uses the trace id of a strict traceparent', () => {
    expect(resolveCorrelation({ traceparent: TRACEPARENT })).toEqual({
      id: TRACE,
      source: 'traceparent',
      rejected: false,
    });
    expect(traceIdFromTraceparent(`01-${TRACE}-00f067aa0ba902b7-01-future`)).toBe(TRACE);
  });

  it('prefers X-Request-Id over traceparent', () => {
    expect(correlationId({ 'x-request-id': 'mine', traceparent: TRACEPARENT })).toBe('mine');
  });

  it('replaces malformed ids with a generated UUID and says so', () => {
    for (const value of [
      '',
      'a'.repeat(129),
      'has space',
      'new\nline',
      '<script>',
      'ünïcode',
      'a/b',
      'x;y',
    ]) {
      const c = resolveCorrelation({ 'x-request-id': value });
      expect(c.source, value).toBe('generated');
      expect(c.rejected).toBe(true);
      expect(c.id).toMatch(UUID);
    }
    expect(resolveCorrelation({ 'x-request-id': ['a', 'b'] })).toMatchObject({
      source: 'generated',
      rejected: true,
    });
  });

  it('falls back to a valid traceparent when X-Request-Id is malformed', () => {
    expect(resolveCorrelation({ 'x-request-id': 'bad id', traceparent: TRACEPARENT })).toEqual({
      id: TRACE,
      source: 'traceparent',
      rejected: true,
    });
  });

  it('rejects malformed traceparent values', () => {
    for (const value of [
      `ff-${TRACE}-00f067aa0ba902b7-01`,
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      `00-${TRACE}-${'0'.repeat(16)}-01`,
      `00-${TRACE.toUpperCase()}-00f067aa0ba902b7-01`,
      `00-${TRACE}-00f067aa0ba902b7-01-extra`,
      `00-${TRACE}-00f067aa0ba902b7`,
      `0-${TRACE}-00f067aa0ba902b7-01`,
      `00-${TRACE}x-00f067aa0ba902b7-01`,
      `01-${TRACE}-00f067aa0ba902b7-01${'-x'.repeat(300)}`,
    ]) {
      expect(traceIdFromTraceparent(value), value).toBeUndefined();
    }
  });

  it('generates a fresh id when none is given', () => {
    const a = correlationId({});
    const b = correlationId({});
    expect(a).toMatch(UUID);
    expect(a).not.toBe(b);
  });

  it('generates time-ordered UUIDv7 ids that carry their millisecond and sort by it', () => {
    const t = Date.UTC(2026, 10, 22, 5, 0, 0, 123);
    const ids = [t, t + 1, t + 1000, t + 86_400_000].map((ms) => newCorrelationId(ms));
    for (const id of ids) expect(id).toMatch(UUID);
    expect(Number.parseInt(ids[0]!.replace('-', '').slice(0, 12), 16)).toBe(t);
    expect([...ids].sort()).toEqual(ids);
    // The random part still differs within one millisecond.
    expect(newCorrelationId(t)).not.toBe(newCorrelationId(t));
  });
});
