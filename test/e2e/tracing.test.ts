import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from './helpers/mcp-http-client.js';
import { startTestGateway } from './helpers/gateway.js';

const exporter = new InMemorySpanExporter();
let warden: Awaited<ReturnType<typeof startTestGateway>>;

beforeAll(async () => {
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  warden = await startTestGateway({ builtins: { echo: {} }, telemetry: { traces: true } });
});
afterAll(async () => {
  await warden.stop();
  trace.disable();
});

describe('tracing', () => {
  it('records one span per tool call carrying the correlation id, principal and tool', async () => {
    const client = new TestClient({ url: warden.url, headers: { 'x-request-id': 'trace-me-42' } });
    await client.initialize();
    await client.call('echo', { text: 'x' });
    await client.request('tools/call', { name: 'nope', arguments: {} });
    const spans = exporter.getFinishedSpans().filter((s) => s.name === 'tools/call');
    expect(spans.map((s) => s.attributes)).toEqual([
      { 'warden.correlation_id': 'trace-me-42', 'warden.tool': 'echo', 'warden.principal': 'anonymous' },
      { 'warden.correlation_id': 'trace-me-42', 'warden.tool': 'nope', 'warden.principal': 'anonymous' },
    ]);
  });
});
