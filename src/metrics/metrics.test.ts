import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

function lines(body: string): string[] {
  return body.split('\n');
}

describe('createMetrics', () => {
  it('renders calls, durations, rate limits, upstream health, restarts and audit lag', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.observeCall({
      tool: 'fs_read',
      upstream: 'builtin',
      decision: 'allow',
      status: 'ok',
      durationMs: 12,
    });
    metrics.observeCall({
      tool: 'fs_read',
      upstream: 'builtin',
      decision: 'allow',
      status: 'ok',
      durationMs: 300,
    });
    metrics.observeCall({
      tool: 'shell_run',
      upstream: 'builtin',
      decision: 'deny',
      status: 'POLICY_DENIED',
      durationMs: 1,
    });
    metrics.rateLimited('key');
    metrics.rateLimited('key');
    metrics.rateLimited('tool');
    metrics.setUpstreamHealth('everything', true);
    metrics.setUpstreamHealth('remote', true);
    metrics.setUpstreamHealth('remote', false);
    metrics.upstreamRestart('remote');
    metrics.setAuditLag(1500);
    const { contentType, body } = await metrics.render();
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const out = lines(body);
    expect(out).toEqual(
      expect.arrayContaining([
        '# HELP warden_calls_total Tool calls handled, by tool, upstream, policy decision and final status.',
        '# TYPE warden_calls_total counter',
        'warden_calls_total{tool="fs_read",upstream="builtin",decision="allow",status="ok"} 2',
        'warden_calls_total{tool="shell_run",upstream="builtin",decision="deny",status="POLICY_DENIED"} 1',
        '# TYPE warden_call_duration_seconds histogram',
        'warden_call_duration_seconds_bucket{le="0.005",tool="fs_read",upstream="builtin"} 0',
        'warden_call_duration_seconds_bucket{le="0.025",tool="fs_read",upstream="builtin"} 1',
        'warden_call_duration_seconds_bucket{le="0.5",tool="fs_read",upstream="builtin"} 2',
        'warden_call_duration_seconds_bucket{le="+Inf",tool="fs_read",upstream="builtin"} 2',
        'warden_call_duration_seconds_sum{tool="fs_read",upstream="builtin"} 0.312',
        'warden_call_duration_seconds_count{tool="fs_read",upstream="builtin"} 2',
        'warden_call_duration_seconds_count{tool="shell_run",upstream="builtin"} 1',
        '# TYPE warden_rate_limited_total counter',
        'warden_rate_limited_total{kind="key"} 2',
        'warden_rate_limited_total{kind="tool"} 1',
        '# TYPE warden_upstream_up gauge',
        'warden_upstream_up{upstream="everything"} 1',
        'warden_upstream_up{upstream="remote"} 0',
        'warden_upstream_restarts_total{upstream="remote"} 1',
        '# TYPE warden_audit_lag_seconds gauge',
        'warden_audit_lag_seconds 1.5',
      ]),
    );
    expect(out.filter((line) => line.startsWith('process_'))).toEqual([]);
  });

  it('escapes hostile label values instead of breaking the exposition format', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.observeCall({
      tool: 'evil"}\nfake_metric 1',
      upstream: 'u\\x',
      decision: 'allow',
      status: 'ok',
      durationMs: 5,
    });
    const out = lines((await metrics.render()).body);
    expect(out).toContain(
      'warden_calls_total{tool="evil\\"}\\nfake_metric 1",upstream="u\\\\x",decision="allow",status="ok"} 1',
    );
    expect(out.filter((line) => line.startsWith('fake_metric'))).toEqual([]);
  });

  it('caps distinct label sets so hostile tool names cannot grow memory without bound', async () => {
    const metrics = createMetrics({ processMetrics: false, maxLabelSets: 100 });
    for (let i = 0; i < 150; i++) {
      metrics.observeCall({
        tool: `t${i}`,
        upstream: 'builtin',
        decision: 'deny',
        status: 'UNKNOWN_TOOL',
        durationMs: 0,
      });
    }
    const out = lines((await metrics.render()).body).filter((line) => line.startsWith('warden_calls_total{'));
    expect(out).toHaveLength(101);
    expect(out).toContain(
      'warden_calls_total{tool="_other",upstream="_other",decision="_other",status="_other"} 50',
    );
  });

  it('uses a private registry: nothing reaches the global one and two instances are independent', async () => {
    const a = createMetrics({ processMetrics: false });
    const b = createMetrics({ processMetrics: false });
    a.rateLimited('ip');
    expect(lines((await a.render()).body)).toContain('warden_rate_limited_total{kind="ip"} 1');
    expect((await b.render()).body).not.toContain('kind="ip"');
    expect(await globalRegistry.metrics()).not.toContain('warden_');
  });

  it('exports process metrics by default', async () => {
    const out = lines((await createMetrics().render()).body);
    expect(out).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(out).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });

  it('exports the live heap, measured right after a full garbage collection', async () => {
    const metrics = createMetrics();
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const line = lines((await metrics.render()).body).find((l) => l.startsWith('warden_heap_live_bytes '));
    expect(Number(line?.split(' ')[1])).toBeGreaterThan(1_000_000);
  });

  it('clamps negative durations and lags to zero', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.observeCall({ tool: 'x', upstream: 'builtin', decision: 'allow', status: 'ok', durationMs: -5 });
    metrics.setAuditLag(-1);
    const out = lines((await metrics.render()).body);
    expect(out).toContain('warden_call_duration_seconds_sum{tool="x",upstream="builtin"} 0');
    expect(out).toContain('warden_audit_lag_seconds 0');
  });
});
