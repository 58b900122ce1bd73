import { trace } from '@opentelemetry/api';

/** A running OTLP trace pipeline; `shutdown` flushes pending spans. */
export interface OtlpTracing {
  shutdown(): Promise<void>;
}

/**
 * Registers a global tracer provider that batches spans to an OTLP/HTTP collector (`telemetry.otlpEndpoint`).
 * The exporter packages load only when an endpoint is configured.
 */
export async function startOtlpTracing(endpoint: string, serviceVersion: string): Promise<OtlpTracing> {
  const [{ BasicTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
    ]);
  const url = endpoint.endsWith('/v1/traces') ? endpoint : `${endpoint.replace(/\/$/, '')}/v1/traces`;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'warden', 'service.version': serviceVersion }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 1000 })],
  });
  trace.setGlobalTracerProvider(provider);
  return {
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
    },
  };
}
