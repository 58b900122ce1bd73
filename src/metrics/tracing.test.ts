import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, context, trace, type Context, type ContextManager } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WardenError } from '../errors/index.js';
import { withCallSpan } from './tracing.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

// A minimal context manager (the SDK's async-hooks one is not a dependency) so active spans propagate.
function asyncLocalContextManager(): ContextManager {
  const storage = new AsyncLocalStorage<Context>();
  const manager: ContextManager = {
    active: () => storage.getStore() ?? ROOT_CONTEXT,
    with: (ctx, fn, thisArg, ...args) => storage.run(ctx, () => fn.call(thisArg, ...args)),
    bind: (_ctx, target) => target,
    enable: () => manager,
    disable: () => {
      storage.disable();
      return manager;
    },
  };
  return manager;
}

beforeAll(() => {
  context.setGlobalContextManager(asyncLocalContextManager());
  trace.setGlobalTracerProvider(provider);
});

afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});

beforeEach(() => {
  exporter.reset();
});

const attrs = { correlationId: 'corr-123', tool: 'fs_read', principal: 'alice' };

describe('withCallSpan', () => {
  it('records a span with the correlation id, tool, principal and upstream, and OK status', async () => {
    const result = await withCallSpan('tools/call fs_read', { ...attrs, upstream: 'builtin' }, () => 42);
    expect(result).toBe(42);
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    const span = spans[0]!;
    expect(span.name).toBe('tools/call fs_read');
    expect(span.attributes).toEqual({
      'warden.correlation_id': 'corr-123',
      'warden.tool': 'fs_read',
      'warden.principal': 'alice',
      'warden.upstream': 'builtin',
    });
    expect(span.status).toEqual({ code: 1 });
    expect(span.instrumentationScope.name).toBe('warden');
  });

  it('marks a thrown error with its client-safe message only and rethrows it', async () => {
    const failing = withCallSpan('tools/call fs_read', attrs, () => {
      throw new WardenError('FS_OUTSIDE_ROOT', 'path is outside the allowed roots', {
        cause: new Error('/etc/shadow'),
      });
    });
    await expect(failing).rejects.toMatchObject({ code: 'FS_OUTSIDE_ROOT' });
    const span = exporter.getFinishedSpans()[0]!;
    expect(span.status).toEqual({ code: 2, message: 'FS_OUTSIDE_ROOT: path is outside the allowed roots' });
    expect(span.events.map((event) => event.attributes)).toEqual([
      {
        'exception.type': 'WardenError',
        'exception.message': 'FS_OUTSIDE_ROOT: path is outside the allowed roots',
      },
    ]);
    expect(JSON.stringify(span.events)).not.toContain('/etc/shadow');
  });

  it('hides the message of an unexpected error', async () => {
    await expect(withCallSpan('x', attrs, () => Promise.reject(new Error('secret=hunter2')))).rejects.toThrow(
      'secret=hunter2',
    );
    const span = exporter.getFinishedSpans()[0]!;
    expect(span.status).toEqual({ code: 2, message: 'INTERNAL: internal error' });
    expect(JSON.stringify(span.events)).not.toContain('hunter2');
  });

  it('marks a tool result with isError as an error', async () => {
    await withCallSpan('x', attrs, () => ({ content: [], isError: true }));
    expect(exporter.getFinishedSpans()[0]!.status).toEqual({ code: 2, message: 'tool returned an error' });
  });

  it('makes the span active inside fn so child spans share its trace', async () => {
    await withCallSpan('parent', attrs, async () => {
      const child = trace.getTracer('test').startSpan('child', {}, context.active());
      child.end();
      await Promise.resolve();
    });
    const [child, parent] = exporter.getFinishedSpans();
    expect(child!.spanContext().traceId).toBe(parent!.spanContext().traceId);
    expect(child!.parentSpanContext?.spanId).toBe(parent!.spanContext().spanId);
  });
});
