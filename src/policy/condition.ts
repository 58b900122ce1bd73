import type { PolicyRuleConfig } from '../config/access.js';
import { WardenError } from '../errors/index.js';
import type { EffectiveAnnotations } from './annotations.js';
import { jsonEqual } from './json-equal.js';
import { parseJsonPointer, resolveJsonPointer } from './json-pointer.js';
import { assertSafeRegex, MAX_REGEX_INPUT_CHARS } from './regex-safety.js';

type ConditionConfig = PolicyRuleConfig['when'][number];

/** A compiled condition: on the arguments (`pointer`) or on the tool's annotations. */
export interface CompiledCondition {
  readonly kind: 'args' | 'annotation';
  readonly label: string;
  /** Throws (and the policy fails closed) when an argument has a type the operator cannot test. */
  test(args: unknown, annotations: EffectiveAnnotations): boolean;
}

/** Raised when a condition meets a value it cannot judge; the policy turns it into a POLICY_ERROR denial. */
export class ConditionTypeError extends Error {
  constructor(label: string) {
    super(`condition ${label} met a value of the wrong type`);
    this.name = 'ConditionTypeError';
  }
}

function stringOperand(value: unknown, label: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ConditionTypeError(label);
  return value;
}

function operators(c: ConditionConfig, label: string): ((v: unknown) => boolean)[] {
  const ops: ((v: unknown) => boolean)[] = [];
  if (Object.hasOwn(c, 'equals')) ops.push((v) => v !== undefined && jsonEqual(v, c.equals));
  if (c.in !== undefined) {
    const list = c.in;
    ops.push((v) => v !== undefined && list.some((x) => jsonEqual(v, x)));
  }
  if (c.prefix !== undefined) {
    const prefix = c.prefix;
    ops.push((v) => stringOperand(v, label)?.startsWith(prefix) ?? false);
  }
  if (c.regex !== undefined) {
    assertSafeRegex(c.regex);
    let re: RegExp;
    try {
      re = new RegExp(c.regex, 'u');
    } catch (error) {
      throw new WardenError('CONFIG_INVALID', `${label}: invalid regex`, { cause: error });
    }
    ops.push((v) => {
      const s = stringOperand(v, label);
      if (s === undefined) return false;
      if (s.length > MAX_REGEX_INPUT_CHARS) throw new ConditionTypeError(label);
      return re.test(s);
    });
  }
  if (c.maxLength !== undefined) {
    const max = c.maxLength;
    ops.push((v) => {
      if (v === undefined) return false;
      if (typeof v === 'string') return v.length <= max;
      if (Array.isArray(v)) return v.length <= max;
      throw new ConditionTypeError(label);
    });
  }
  return ops;
}

/**
 * Compiles one `when` entry. Several operators in one entry must all hold; without an operator an annotation
 * condition means "is true" and a pointer condition means "is present". A missing argument satisfies no
 * operator (so `not` makes it hold); a present argument of the wrong type fails closed.
 */
export function compileCondition(c: ConditionConfig, label: string): CompiledCondition {
  const hasPointer = c.pointer !== undefined;
  const annotation = c.annotation;
  if (hasPointer === (annotation !== undefined)) {
    throw new WardenError('CONFIG_INVALID', `${label}: give exactly one of pointer or annotation`);
  }
  const ops = operators(c, label);
  const negate = c.not === true;
  if (annotation !== undefined) {
    if (c.prefix !== undefined || c.regex !== undefined || c.maxLength !== undefined) {
      throw new WardenError('CONFIG_INVALID', `${label}: annotations take equals or in only`);
    }
    if (ops.length === 0) ops.push((v) => v === true);
    return {
      kind: 'annotation',
      label,
      test: (_args, annotations) => ops.every((op) => op(annotations[annotation])) !== negate,
    };
  }
  const pointer = parseJsonPointer(c.pointer ?? '');
  if (ops.length === 0) ops.push((v) => v !== undefined);
  return {
    kind: 'args',
    label,
    test: (args) => {
      const value = resolveJsonPointer(args, pointer);
      return ops.every((op) => op(value)) !== negate;
    },
  };
}
