import { SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { publicMessage } from '../errors/index.js';

/** Name of Warden's tracer. */
export const TRACER_NAME = 'warden';

/** What every call span records. */
export interface CallSpanAttributes {
  correlationId: string;
  tool: string;
  /** The principal's id. */
  principal: string;
  upstream?: string;
}

function attributesOf(attrs: CallSpanAttributes): Attributes {
  const attributes: Attributes = {
    'warden.correlation_id': attrs.correlationId,
    'warden.tool': attrs.tool,
    'warden.principal': attrs.principal,
  };
  if (attrs.upstream !== undefined) attributes['warden.upstream'] = attrs.upstream;
  return attributes;
}

function isErrorResult(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'isError' in value && value.isError === true;
}

/**
 * Runs `fn` inside an active span of the `warden` tracer; a throw or a tool result with `isError` marks the span
 * as an error. Only the client-safe message of an error is recorded (no stack, no cause).
 */
export async function withCallSpan<T>(
  name: string,
  attrs: CallSpanAttributes,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  return tracer.startActiveSpan(
    name,
    { kind: SpanKind.INTERNAL, attributes: attributesOf(attrs) },
    async (span) => {
      try {
        const result = await fn(span);
        if (isErrorResult(result))
          span.setStatus({ code: SpanStatusCode.ERROR, message: 'tool returned an error' });
        else span.setStatus({ code: SpanStatusCode.OK });
        return result;
      } catch (error) {
        const message = publicMessage(error);
        span.recordException({ name: 'WardenError', message });
        span.setStatus({ code: SpanStatusCode.ERROR, message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
