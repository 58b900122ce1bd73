/** A Warden config for running the conformance suite: loopback, `auth: none`, every tool allowed. */
export function conformanceGatewayConfig(upstreams: Record<string, unknown>): Record<string, unknown> {
  return {
    auth: { mode: 'none' },
    policy: { default: 'allow' },
    logging: { level: 'warn' },
    upstreams,
  };
}
