/** What the policy says about one call. */
export type Effect = 'allow' | 'deny' | 'ask';

/** A policy decision: the effect, the deciding rule (name, "rules[3]", "default" or "error") and why. */
export interface Decision {
  effect: Effect;
  rule: string;
  reason: string;
  /** For denials: the error code the gateway reports. */
  code?: 'POLICY_DENIED' | 'POLICY_ERROR';
}

/** One step of an explanation: a rule and whether (and why not) it matched. */
export interface TraceStep {
  rule: string;
  effect: Effect;
  matched: boolean;
  reason: string;
}

/** A decision with the trace of every rule considered. */
export interface Explanation {
  decision: Decision;
  trace: TraceStep[];
}

/** The decision returned whenever evaluation itself fails. */
export const ERROR_DECISION: Decision = Object.freeze({
  effect: 'deny',
  rule: 'error',
  reason: 'policy evaluation failed; denied',
  code: 'POLICY_ERROR',
});

/** Builds the decision of a rule (or of the default). */
export function decisionOf(effect: Effect, rule: string): Decision {
  const reason =
    rule === 'default'
      ? `no rule matched; default ${effect}`
      : `${effect === 'ask' ? 'needs approval' : `${effect === 'allow' ? 'allowed' : 'denied'}`} by rule ${rule}`;
  return Object.freeze(
    effect === 'deny' ? { effect, rule, reason, code: 'POLICY_DENIED' as const } : { effect, rule, reason },
  );
}
