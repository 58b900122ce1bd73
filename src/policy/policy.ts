import type { PolicyConfig } from '../config/access.js';
import type { ToolAnnotations } from '../mcp/wire.js';
import { annotationBits, effectiveAnnotations, type EffectiveAnnotations } from './annotations.js';
import { decisionOf, ERROR_DECISION, type Decision, type Explanation, type TraceStep } from './decision.js';
import type { Principal } from './principal.js';
import { compileRule, type CompiledRule } from './rule.js';

/** The tool as the policy sees it. */
export interface PolicyTool {
  name: string;
  annotations?: ToolAnnotations | undefined;
}

/** A compiled policy. */
export interface Policy {
  /** First matching rule wins; any failure during evaluation denies with rule "error". */
  decide(principal: Principal, tool: PolicyTool, args: unknown): Decision;
  /** The decision and the rules considered on the way. */
  explain(principal: Principal, tool: PolicyTool, args: unknown): Explanation;
  /** The tools this principal could ever be allowed (or asked) to call. */
  visibleTools<T extends PolicyTool>(principal: Principal, tools: readonly T[]): T[];
  readonly defaultEffect: 'allow' | 'deny';
}

/** Options for {@link compilePolicy}. */
export interface CompilePolicyOptions {
  /** Effect when no rule matches and the config names none (deny for HTTP principals, allow for stdio). */
  defaultEffect: 'allow' | 'deny';
  /** Told about evaluation failures (which deny), for logging. */
  onError?: (error: unknown) => void;
}

/** Tools remembered per principal before the cache of that principal is cleared. */
export const MAX_CACHED_TOOLS_PER_PRINCIPAL = 4096;

// Argument conditions never read annotations; this stands in for them without allocating.
const NO_ANNOTATIONS: EffectiveAnnotations = Object.freeze({
  readOnlyHint: false,
  destructiveHint: true,
  openWorldHint: true,
  idempotentHint: false,
});

/** Rules that can apply to one (principal, tool, annotations), cut after the first that needs no arguments. */
interface Candidates {
  rules: readonly CompiledRule[];
  /** Set when the decision does not depend on the arguments. */
  constant: Decision | undefined;
}

/** Compiles `policy` from warden.yaml; invalid globs, pointers or regexes throw CONFIG_INVALID. */
export function compilePolicy(config: PolicyConfig, options: CompilePolicyOptions): Policy {
  const rules = config.rules.map(compileRule);
  const defaultEffect = config.default ?? options.defaultEffect;
  const defaultDecision = decisionOf(defaultEffect, 'default');
  const cache = new WeakMap<Principal, Map<string, (Candidates | undefined)[]>>();

  const computeCandidates = (
    principal: Principal,
    name: string,
    annotations: EffectiveAnnotations,
  ): Candidates => {
    const found: CompiledRule[] = [];
    for (const rule of rules) {
      if (!rule.appliesTo(principal) || !rule.tools(name)) continue;
      if (!rule.annotationConditions.every((c) => c.test(undefined, annotations))) continue;
      found.push(rule);
      if (rule.argConditions.length === 0) break;
    }
    const first = found[0];
    let constant: Decision | undefined;
    if (!first) constant = defaultDecision;
    else if (first.argConditions.length === 0) constant = first.decision;
    return { rules: found, constant };
  };

  const candidatesFor = (principal: Principal, tool: PolicyTool): Candidates => {
    const annotations = effectiveAnnotations(tool.annotations);
    const bits = annotationBits(annotations);
    let byTool = cache.get(principal);
    if (!byTool) {
      byTool = new Map();
      cache.set(principal, byTool);
    }
    let byBits = byTool.get(tool.name);
    if (!byBits) {
      if (byTool.size >= MAX_CACHED_TOOLS_PER_PRINCIPAL) byTool.clear();
      byBits = [];
      byTool.set(tool.name, byBits);
    }
    let entry = byBits[bits];
    if (!entry) {
      entry = computeCandidates(principal, tool.name, annotations);
      byBits[bits] = entry;
    }
    return entry;
  };

  const evaluate = (principal: Principal, tool: PolicyTool, args: unknown): Decision => {
    const candidates = candidatesFor(principal, tool);
    if (candidates.constant) return candidates.constant;
    for (const rule of candidates.rules) {
      if (rule.argConditions.every((c) => c.test(args, NO_ANNOTATIONS))) return rule.decision;
    }
    return defaultDecision;
  };

  const explainRule = (
    rule: CompiledRule,
    principal: Principal,
    tool: PolicyTool,
    args: unknown,
  ): TraceStep => {
    const step = (matched: boolean, reason: string): TraceStep => ({
      rule: rule.label,
      effect: rule.effect,
      matched,
      reason,
    });
    if (!rule.appliesTo(principal)) return step(false, 'principal does not match');
    if (!rule.tools(tool.name)) return step(false, 'tool does not match');
    const annotations = effectiveAnnotations(tool.annotations);
    for (const c of [...rule.annotationConditions, ...rule.argConditions]) {
      if (!c.test(args, annotations)) return step(false, `condition ${c.label} does not hold`);
    }
    return step(true, 'matched');
  };

  return {
    defaultEffect,
    decide(principal, tool, args) {
      try {
        return evaluate(principal, tool, args);
      } catch (error) {
        // Fail closed: a policy that cannot be evaluated denies (the error itself is not client-safe).
        options.onError?.(error);
        return ERROR_DECISION;
      }
    },
    explain(principal, tool, args) {
      const trace: TraceStep[] = [];
      try {
        for (const rule of rules) {
          const step = explainRule(rule, principal, tool, args);
          trace.push(step);
          if (step.matched) return { decision: rule.decision, trace };
        }
        return { decision: defaultDecision, trace };
      } catch (error) {
        trace.push({
          rule: 'error',
          effect: 'deny',
          matched: true,
          reason: error instanceof Error ? error.message : 'evaluation failed',
        });
        return { decision: ERROR_DECISION, trace };
      }
    },
    visibleTools(principal, tools) {
      return tools.filter((tool) => {
        try {
          const { rules: found, constant } = candidatesFor(principal, tool);
          if (constant) return constant.effect !== 'deny';
          const defaultReachable = (found.at(-1)?.argConditions.length ?? 0) > 0;
          return found.some((r) => r.effect !== 'deny') || (defaultReachable && defaultEffect === 'allow');
        } catch (error) {
          options.onError?.(error);
          return false;
        }
      });
    },
  };
}
