/** One caller argument (or option with its value) as the program will understand it. */
export type ArgToken =
  | { kind: 'option'; name: string; value?: string; glued: boolean }
  | { kind: 'positional'; value: string; afterDashDash: boolean }
  | { kind: 'end-of-options' };
