import type { PolicyRuleConfig } from '../config/access.js';
import type { Principal } from './principal.js';
import { decisionOf, type Decision, type Effect } from './decision.js';
import { compileCondition, type CompiledCondition } from './condition.js';
import { compileGlobs, type NameMatcher } from './glob.js';

/** A rule ready for evaluation. */
export interface CompiledRule {
  readonly label: string;
  readonly effect: Effect;
  /** The decision when this rule matches (built once). */
  readonly decision: Decision;
  /** Principal selectors: true when the rule applies to this principal. */
  appliesTo(principal: Principal): boolean;
  readonly tools: NameMatcher;
  readonly annotationConditions: readonly CompiledCondition[];
  readonly argConditions: readonly CompiledCondition[];
}

/**
 * Compiles `rules[index]`. A rule applies to the principals it names and to members of the groups it names
 * (either suffices); a rule naming neither applies to everyone.
 */
export function compileRule(rule: PolicyRuleConfig, index: number): CompiledRule {
  const label = rule.name ?? `rules[${index}]`;
  const principals = rule.principals ? compileGlobs(rule.principals) : undefined;
  const groups = rule.groups ? compileGlobs(rule.groups) : undefined;
  const conditions = rule.when.map((c, i) => compileCondition(c, `${label}.when[${i}]`));
  let appliesTo: (p: Principal) => boolean;
  if (!principals && !groups) appliesTo = () => true;
  else {
    appliesTo = (p) => (principals?.(p.id) ?? false) || (groups !== undefined && p.groups.some(groups));
  }
  return {
    label,
    effect: rule.effect,
    decision: decisionOf(rule.effect, label),
    appliesTo,
    tools: compileGlobs(rule.tools),
    annotationConditions: conditions.filter((c) => c.kind === 'annotation'),
    argConditions: conditions.filter((c) => c.kind === 'args'),
  };
}
