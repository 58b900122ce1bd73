/** Longest piece of a caller's argument echoed back in an error message. */
export const MAX_SHOWN_ARG_CHARS = 40;

/** A caller argument shortened for an error message, so refusals stay short. */
export function shownArg(arg: string): string {
  return arg.length > MAX_SHOWN_ARG_CHARS ? `${arg.slice(0, MAX_SHOWN_ARG_CHARS)}…` : arg;
}
