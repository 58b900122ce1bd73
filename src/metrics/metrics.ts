import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Buckets of `warden_call_duration_seconds`, in seconds. */
export const CALL_DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Most distinct label sets per metric by default; further ones are counted under {@link OVERFLOW_LABEL}. */
export const MAX_LABEL_SETS = 2000;
/** Label value used once a metric has {@link MAX_LABEL_SETS} label sets, so hostile tool names cannot grow memory. */
export const OVERFLOW_LABEL = '_other';

/** One finished call, as the gateway saw it. */
export interface CallObservation {
  tool: string;
  /** Upstream name, or "builtin". */
  upstream: string;
  /** Policy decision: allow, deny or ask. */
  decision: string;
  /** "ok", or the error code the call ended with. */
  status: string;
  durationMs: number;
}

/** Warden's Prometheus metrics on a private registry. */
export interface Metrics {
  observeCall(call: CallObservation): void;
  /** Counts one refusal by a rate limit of the given kind (for example "key", "tool", "ip"). */
  rateLimited(kind: string): void;
  setUpstreamHealth(name: string, up: boolean): void;
  upstreamRestart(name: string): void;
  /** Sets how far the audit sink is behind, in milliseconds. */
  setAuditLag(ms: number): void;
  /** The exposition text for `/metrics`. */
  render(): Promise<{ contentType: string; body: string }>;
  /** The registry itself, for metrics other modules add. */
  readonly registry: Registry;
}

/** Options of {@link createMetrics}. */
export interface CreateMetricsOptions {
  /** Also export Node.js process metrics (CPU, memory, event-loop lag). @default true */
  processMetrics?: boolean;
  /** Most distinct label sets per metric. @default MAX_LABEL_SETS */
  maxLabelSets?: number;
}

/** V8 heap in use just after the last full collection, or undefined before the first one. */
let liveHeapBytes: number | undefined;
let liveHeapObserver: PerformanceObserver | undefined;

/**
 * Starts (once per process) watching full garbage collections. The heap in use right after one is the live heap:
 * unlike `nodejs_heap_size_used_bytes`, it does not swing with the garbage of the moment, so it shows growth.
 */
function watchLiveHeap(): void {
  if (liveHeapObserver) return;
  liveHeapObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR)
        liveHeapBytes = getHeapStatistics().used_heap_size;
    }
  });
  liveHeapObserver.observe({ entryTypes: ['gc'] });
}

/** Caches label children so the hot path is one map lookup; caps distinct label sets. */
function childCache<T>(maxSets: number, create: (labels: string[]) => T): (labels: string[]) => T {
  const children = new Map<string, T>();
  return (labels) => {
    const key = labels.join('\u0000');
    const cached = children.get(key);
    if (cached !== undefined) return cached;
    const safe = children.size >= maxSets ? labels.map(() => OVERFLOW_LABEL) : labels;
    const safeKey = safe.join('\u0000');
    const child = children.get(safeKey) ?? create(safe);
    children.set(safeKey, child);
    return child;
  };
}

/** Creates the metrics on a new private registry (never prom-client's global one). */
export function createMetrics(options: CreateMetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const calls = new Counter({
    name: 'warden_calls_total',
    help: 'Tool calls handled, by tool, upstream, policy decision and final status.',
    labelNames: ['tool', 'upstream', 'decision', 'status'] as const,
    registers,
  });
  const durations = new Histogram({
    name: 'warden_call_duration_seconds',
    help: 'Duration of tool calls, from routing to reply.',
    labelNames: ['tool', 'upstream'] as const,
    buckets: CALL_DURATION_BUCKETS_SECONDS,
    registers,
  });
  const limited = new Counter({
    name: 'warden_rate_limited_total',
    help: 'Requests refused by a rate limit.',
    labelNames: ['kind'] as const,
    registers,
  });
  const upstreamUp = new Gauge({
    name: 'warden_upstream_up',
    help: '1 when the upstream is healthy, else 0.',
    labelNames: ['upstream'] as const,
    registers,
  });
  const restarts = new Counter({
    name: 'warden_upstream_restarts_total',
    help: 'Upstream restarts by the supervisor.',
    labelNames: ['upstream'] as const,
    registers,
  });
  if (options.processMetrics ?? true) {
    watchLiveHeap();
    new Gauge({
      name: 'warden_heap_live_bytes',
      help: 'V8 heap in use right after the last full garbage collection (absent before the first).',
      registers,
      collect() {
        if (liveHeapBytes !== undefined) this.set(liveHeapBytes);
      },
    });
  }
  const auditLag = new Gauge({
    name: 'warden_audit_lag_seconds',
    help: 'How far the audit sink is behind.',
    registers,
  });
  const maxSets = options.maxLabelSets ?? MAX_LABEL_SETS;
  const callChild = childCache(maxSets, (labels) => calls.labels(...labels));
  const durationChild = childCache(maxSets, (labels) => durations.labels(...labels));
  const limitedChild = childCache(maxSets, (labels) => limited.labels(...labels));
  const restartChild = childCache(maxSets, (labels) => restarts.labels(...labels));
  return {
    registry,
    observeCall(call) {
      callChild([call.tool, call.upstream, call.decision, call.status]).inc();
      durationChild([call.tool, call.upstream]).observe(Math.max(0, call.durationMs) / 1000);
    },
    rateLimited: (kind) => limitedChild([kind]).inc(),
    setUpstreamHealth: (name, up) => upstreamUp.labels(name).set(up ? 1 : 0),
    upstreamRestart: (name) => restartChild([name]).inc(),
    setAuditLag: (ms) => auditLag.set(Math.max(0, ms) / 1000),
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
