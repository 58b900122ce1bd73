export type { AuthMethod, Principal } from './principal.js';
export {
  compilePolicy,
  MAX_CACHED_TOOLS_PER_PRINCIPAL,
  type CompilePolicyOptions,
  type Policy,
  type PolicyTool,
} from './policy.js';
export { ERROR_DECISION, type Decision, type Effect, type Explanation, type TraceStep } from './decision.js';
export { compileGlob, compileGlobs, type NameMatcher } from './glob.js';
export { parseJsonPointer, resolveJsonPointer, type JsonPointer } from './json-pointer.js';
export { assertSafeRegex, MAX_REGEX_INPUT_CHARS, MAX_REGEX_SOURCE_CHARS } from './regex-safety.js';
export { effectiveAnnotations, type AnnotationName, type EffectiveAnnotations } from './annotations.js';
export { createArgValidator, type ArgValidator, type ArgValidatorOptions } from './validate-args.js';
export { assertArgLimits, DEFAULT_ARG_LIMITS, type ArgLimits } from './arg-limits.js';
