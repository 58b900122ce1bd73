import * as z from 'zod';

const windowSchema = z.strictObject({
  max: z.number().int().positive().describe('Most calls admitted in any window.'),
  windowMs: z.number().int().positive().describe('Length of the sliding window, in milliseconds.'),
});

export const authConfigSchema = z
  .strictObject({
    mode: z
      .enum(['none', 'api-key', 'jwt'])
      .default('api-key')
      .describe('none is allowed only on loopback or stdio.'),
    ipAllow: z
      .array(z.string())
      .default([])
      .describe('CIDRs allowed to connect; empty allows every address that reaches the listener.'),
    trustedProxies: z
      .array(z.string())
      .default([])
      .describe('CIDRs whose X-Forwarded-For / Forwarded headers are believed.'),
    jwt: z
      .strictObject({
        issuer: z.string().describe('Expected iss claim.'),
        audience: z.string().describe('Expected aud claim (this resource).'),
        jwksUrl: z.string().url().describe('Where the issuer publishes its signing keys.'),
        algorithms: z
          .array(z.string())
          .default(['RS256', 'ES256', 'EdDSA'])
          .describe('Signature algorithms accepted.'),
        clockSkewSec: z
          .number()
          .int()
          .min(0)
          .max(300)
          .default(30)
          .describe('Tolerance for exp/nbf, in seconds.'),
        principalClaim: z.string().default('sub').describe('Claim that names the principal.'),
        groupsClaim: z.string().default('groups').describe('Claim that lists the principal’s groups.'),
      })
      .optional()
      .describe('OIDC/JWT bearer-token settings (mode: jwt).'),
    resource: z.string().optional().describe('This server’s public URL, for protected-resource metadata.'),
    stdioPrincipal: z.string().default('local').describe('Principal name given to the stdio client.'),
  })
  .default({ mode: 'api-key', ipAllow: [], trustedProxies: [], stdioPrincipal: 'local' })
  .describe('Authentication of HTTP clients.');

export const limitsConfigSchema = z
  .strictObject({
    principal: windowSchema.optional().describe('Sliding window per principal.'),
    tool: windowSchema.optional().describe('Sliding window per principal and tool.'),
    global: windowSchema.optional().describe('Sliding window across everyone.'),
    concurrency: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Most calls one principal may have in flight.'),
  })
  .default({})
  .describe('Rate and concurrency limits.');

const conditionSchema = z.strictObject({
  pointer: z.string().optional().describe('JSON pointer into the arguments, e.g. /path.'),
  annotation: z
    .enum(['readOnlyHint', 'destructiveHint', 'openWorldHint', 'idempotentHint'])
    .optional()
    .describe('Tool annotation to test (MCP defaults applied); without an operator it means "is true".'),
  equals: z.unknown().optional().describe('Holds when the value is structurally equal to this.'),
  in: z.array(z.unknown()).optional().describe('Holds when the value equals one of these.'),
  prefix: z
    .string()
    .optional()
    .describe('Holds when the string value starts with this (a string, not a path).'),
  regex: z
    .string()
    .optional()
    .describe('Holds when the string value matches (Unicode; backtracking-prone patterns are refused).'),
  maxLength: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Holds when the string or array is at most this long.'),
  not: z.boolean().optional().describe('Negate this condition.'),
});

export const policyRuleSchema = z.strictObject({
  name: z.string().optional().describe('Shown in explanations and audit records.'),
  principals: z.array(z.string()).optional().describe('Principal names (globs); omitted matches everyone.'),
  groups: z.array(z.string()).optional().describe('Groups, any of which matches.'),
  tools: z.array(z.string()).default(['*']).describe('Glob patterns over final tool names.'),
  effect: z
    .enum(['allow', 'deny', 'ask'])
    .describe('ask: the calling client’s user decides through elicitation; denied where it cannot.'),
  when: z.array(conditionSchema).default([]).describe('All must hold for the rule to apply.'),
});

export const policyConfigSchema = z
  .strictObject({
    default: z
      .enum(['allow', 'deny'])
      .optional()
      .describe('Decision when no rule matches; default: deny for HTTP principals, allow for stdio.'),
    rules: z.array(policyRuleSchema).default([]).describe('First matching rule decides.'),
  })
  .default({ rules: [] })
  .describe('Who may call which tool with which arguments.');

export type AuthConfig = z.output<typeof authConfigSchema>;
export type LimitsConfig = z.output<typeof limitsConfigSchema>;
export type PolicyConfig = z.output<typeof policyConfigSchema>;
export type PolicyRuleConfig = z.output<typeof policyRuleSchema>;
