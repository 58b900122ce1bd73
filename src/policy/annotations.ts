import type { ToolAnnotations } from '../mcp/wire.js';

/** The annotations a policy condition may test. */
export type AnnotationName = 'readOnlyHint' | 'destructiveHint' | 'openWorldHint' | 'idempotentHint';

/** Annotation values after the MCP defaults are applied. */
export interface EffectiveAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  openWorldHint: boolean;
  idempotentHint: boolean;
}

/**
 * Applies the MCP defaults (readOnly false, destructive true unless read-only, openWorld true, idempotent false).
 * Contradictory hints resolve towards caution: an explicit destructiveHint: true stays destructive.
 */
export function effectiveAnnotations(a: ToolAnnotations | undefined): EffectiveAnnotations {
  const readOnlyHint = a?.readOnlyHint === true;
  return {
    readOnlyHint,
    destructiveHint: a?.destructiveHint === true || (!readOnlyHint && a?.destructiveHint !== false),
    openWorldHint: a?.openWorldHint !== false,
    idempotentHint: a?.idempotentHint === true,
  };
}

/** The effective annotations packed into 4 bits, for cache keys. */
export function annotationBits(a: EffectiveAnnotations): number {
  return (
    (a.readOnlyHint ? 1 : 0) |
    (a.destructiveHint ? 2 : 0) |
    (a.openWorldHint ? 4 : 0) |
    (a.idempotentHint ? 8 : 0)
  );
}
