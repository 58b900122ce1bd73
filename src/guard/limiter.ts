import type { LimitsConfig } from '../config/access.js';
import { WardenError } from '../errors/index.js';
import { createMemoryRateLimitStore } from './memory-rate-limit-store.js';
import type { RateLimitStore, WindowCheck } from './rate-limit-store.js';

/** Details carried by RATE_LIMITED and CONCURRENCY_LIMITED errors (and turned into headers). */
export interface RateLimitDetails {
  /** Which limit refused: "principal", "tool", "global" or "concurrency". */
  scope: string;
  retryAfterMs: number;
  limit: number;
  remaining: number;
  resetMs: number;
  /** Window length; 0 for the concurrency limit. */
  windowMs: number;
}

/** Releases a concurrency slot; calling it more than once has no further effect. */
export type Release = () => void;

/** Admits or refuses calls against the configured limits. */
export interface Limiter {
  /** Throws RATE_LIMITED or CONCURRENCY_LIMITED; otherwise returns the release of the concurrency slot. */
  acquire(principalId: string, tool: string): Release;
}

/** Options for {@link createLimiter}. */
export interface LimiterOptions {
  limits: LimitsConfig;
  now: () => number;
  /** @default an in-memory store */
  store?: RateLimitStore;
}

const NO_OP: Release = () => undefined;

/** Creates a limiter over sliding windows per principal, per principal×tool and global, plus concurrency. */
export function createLimiter(options: LimiterOptions): Limiter {
  const { limits, now } = options;
  const store = options.store ?? createMemoryRateLimitStore();
  const { principal, tool, global: everyone, concurrency } = limits;
  const nothingConfigured = !principal && !tool && !everyone && concurrency === undefined;

  return {
    acquire(principalId, toolName) {
      if (nothingConfigured) return NO_OP;
      const checks: WindowCheck[] = [];
      // Keys are length-prefixed so that no principal/tool pair can collide with another ("a:b" + "c").
      if (everyone) checks.push({ scope: 'global', key: 'g', ...everyone });
      if (principal)
        checks.push({ scope: 'principal', key: `p${principalId.length}:${principalId}`, ...principal });
      if (tool)
        checks.push({ scope: 'tool', key: `t${principalId.length}:${principalId}${toolName}`, ...tool });
      const slotKey = `c${principalId.length}:${principalId}`;
      const outcome = store.acquire(
        checks,
        concurrency === undefined ? undefined : { key: slotKey, max: concurrency },
        now(),
      );
      if (!outcome.ok) {
        const details: RateLimitDetails = {
          scope: outcome.scope,
          retryAfterMs: outcome.retryAfterMs,
          limit: outcome.limit,
          remaining: outcome.remaining,
          resetMs: outcome.resetMs,
          windowMs: outcome.windowMs,
        };
        const code = outcome.scope === 'concurrency' ? 'CONCURRENCY_LIMITED' : 'RATE_LIMITED';
        const message = `${code === 'RATE_LIMITED' ? 'rate limit exceeded' : 'too many calls in flight'}; retry in ${Math.ceil(details.retryAfterMs / 1000)} s`;
        throw new WardenError(code, message, { details: { ...details } });
      }
      if (concurrency === undefined) return NO_OP;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        store.release(slotKey);
      };
    },
  };
}
