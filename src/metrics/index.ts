export {
  createMetrics,
  CALL_DURATION_BUCKETS_SECONDS,
  MAX_LABEL_SETS,
  OVERFLOW_LABEL,
  type CallObservation,
  type CreateMetricsOptions,
  type Metrics,
} from './metrics.js';
export { withCallSpan, TRACER_NAME, type CallSpanAttributes } from './tracing.js';
