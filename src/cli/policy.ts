import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { loadConfig } from '../config/index.js';
import type { PolicyConfig } from '../config/access.js';
import { isWardenError, publicMessage, WardenError } from '../errors/index.js';
import type { ToolAnnotations } from '../mcp/wire.js';
import { compilePolicy, type Explanation, type Policy } from '../policy/index.js';
import type { Principal } from '../policy/principal.js';
import { DEFAULT_CONFIG_FILE, processIo, type CliIo } from './io.js';
import { table } from './table.js';

/** How the policy commands talk to the outside world; tests pass their own. */
export interface PolicyCliIo extends CliIo {
  /** Receives each command's exit code (the CLI entry decides when to exit). */
  setExitCode(code: number): void;
}

/** Exit codes: 0 success (or every case as expected), 1 a case did not match, 2 usage or configuration error. */
export const POLICY_EXIT_OK = 0;
export const POLICY_EXIT_MISMATCH = 1;
export const POLICY_EXIT_USAGE = 2;

const annotationsSchema = z.strictObject({
  title: z.string().optional(),
  readOnlyHint: z.boolean().optional(),
  destructiveHint: z.boolean().optional(),
  idempotentHint: z.boolean().optional(),
  openWorldHint: z.boolean().optional(),
});

const caseSchema = z.strictObject({
  name: z.string().optional().describe('Shown in the table instead of principal and tool.'),
  principal: z.string().min(1).describe('Principal id of the caller.'),
  groups: z.array(z.string()).default([]).describe('Groups of the caller.'),
  tool: z.string().describe('Final tool name.'),
  args: z.unknown().default({}).describe('Call arguments.'),
  annotations: annotationsSchema.optional().describe('Tool annotations.'),
  transport: z
    .enum(['http', 'stdio'])
    .default('http')
    .describe('Which default applies: deny for http, allow for stdio.'),
  expect: z.enum(['allow', 'deny', 'ask']).describe('Expected effect.'),
});

const tableSchema = z.union([
  z.array(caseSchema),
  z.strictObject({ cases: z.array(caseSchema) }).transform((t) => t.cases),
]);

type TestCase = z.output<typeof caseSchema>;

function principalOf(id: string, groups: readonly string[]): Principal {
  return { id, groups, scopes: [], authMethod: 'none' };
}

function parseJsonOption(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new InvalidArgumentError(`not JSON: ${error instanceof Error ? error.message : 'parse error'}`);
  }
}

function parseAnnotations(value: string): ToolAnnotations {
  const parsed = annotationsSchema.safeParse(parseJsonOption(value));
  if (!parsed.success)
    throw new InvalidArgumentError(
      'annotations must be an object of readOnlyHint, destructiveHint, idempotentHint, openWorldHint booleans',
    );
  return stripUndefined(parsed.data);
}

function stripUndefined(a: z.output<typeof annotationsSchema>): ToolAnnotations {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined));
}

function parseGroups(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

// Names come from files and flags; control characters must not reach the terminal.
const printable = (text: string): string => text.replace(/\p{Cc}/gu, '?');

function policiesFor(config: PolicyConfig): Record<'http' | 'stdio', Policy> {
  return {
    http: compilePolicy(config, { defaultEffect: 'deny' }),
    stdio: compilePolicy(config, { defaultEffect: 'allow' }),
  };
}

function formatExplanation(e: Explanation): string {
  const lines = [
    `${e.decision.effect} (rule: ${printable(e.decision.rule)}) ${printable(e.decision.reason)}`,
  ];
  for (const step of e.trace) {
    lines.push(
      `  ${step.matched ? '→' : ' '} ${printable(step.rule)} [${step.effect}] ${printable(step.reason)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function readCases(file: string): Promise<TestCase[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new WardenError('CONFIG_NOT_FOUND', `cannot read ${file}`, { cause: error });
  }
  let value: unknown;
  try {
    value = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new WardenError('CONFIG_INVALID', `${file}: not YAML or JSON`, { cause: error });
  }
  const parsed = tableSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WardenError(
      'CONFIG_INVALID',
      `${file}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid table'}`,
    );
  }
  return parsed.data;
}

async function guarded(io: PolicyCliIo, task: () => Promise<number>): Promise<void> {
  let code: number;
  try {
    code = await task();
  } catch (error) {
    io.writeError(`${isWardenError(error) ? error.message : publicMessage(error)}\n`);
    code = POLICY_EXIT_USAGE;
  }
  io.setExitCode(code);
}

interface ExplainFlags {
  config: string;
  principal: string;
  groups?: string[];
  tool: string;
  args?: unknown;
  annotations?: ToolAnnotations;
  transport: 'http' | 'stdio';
  json?: boolean;
}

/** `warden policy …`: explain one decision, or test a table of expected decisions. */
export function policyCommand(io: Partial<PolicyCliIo> = {}): Command {
  const cli: PolicyCliIo = { ...processIo, setExitCode: (code) => void (process.exitCode = code), ...io };
  const policy = new Command('policy').description('Explain and test the access policy of warden.yaml.');

  policy
    .command('explain')
    .description('Print the decision for one call and the rules considered.')
    .option('--config <file>', 'warden.yaml', DEFAULT_CONFIG_FILE)
    .requiredOption('--principal <id>', 'principal id of the caller')
    .option('--groups <list>', 'comma-separated groups of the caller', parseGroups)
    .requiredOption('--tool <name>', 'final tool name')
    .option('--args <json>', 'call arguments as JSON', parseJsonOption)
    .option('--annotations <json>', 'tool annotations as JSON', parseAnnotations)
    .option('--transport <kind>', 'http (default deny) or stdio (default allow)', 'http')
    .option('--json', 'print JSON')
    .action((flags: ExplainFlags) =>
      guarded(cli, async () => {
        if (flags.transport !== 'http' && flags.transport !== 'stdio')
          throw new WardenError('CONFIG_INVALID', '--transport must be http or stdio');
        const config = await loadConfig(flags.config, cli.env);
        const explanation = policiesFor(config.policy)[flags.transport].explain(
          principalOf(flags.principal, flags.groups ?? []),
          { name: flags.tool, ...(flags.annotations ? { annotations: flags.annotations } : {}) },
          flags.args ?? {},
        );
        cli.write(flags.json === true ? `${JSON.stringify(explanation)}\n` : formatExplanation(explanation));
        return POLICY_EXIT_OK;
      }),
    );

  policy
    .command('test')
    .description(
      'Run a YAML/JSON table of {principal, groups?, tool, args?, annotations?, expect}; exit 1 on any mismatch.',
    )
    .argument('<file>', 'table of cases')
    .option('--config <file>', 'warden.yaml', DEFAULT_CONFIG_FILE)
    .action((file: string, flags: { config: string }) =>
      guarded(cli, async () => {
        const config = await loadConfig(flags.config, cli.env);
        const cases = await readCases(file);
        const policies = policiesFor(config.policy);
        const rows = [['RESULT', 'CASE', 'EXPECTED', 'ACTUAL', 'RULE']];
        let failed = 0;
        for (const c of cases) {
          const tool = {
            name: c.tool,
            ...(c.annotations ? { annotations: stripUndefined(c.annotations) } : {}),
          };
          const decision = policies[c.transport].decide(principalOf(c.principal, c.groups), tool, c.args);
          const pass = decision.effect === c.expect;
          if (!pass) failed++;
          rows.push([
            pass ? 'PASS' : 'FAIL',
            printable(c.name ?? `${c.principal} → ${c.tool}`),
            c.expect,
            decision.effect,
            printable(decision.rule),
          ]);
        }
        cli.write(`${table(rows)}\n${cases.length - failed} passed, ${failed} failed\n`);
        return failed === 0 ? POLICY_EXIT_OK : POLICY_EXIT_MISMATCH;
      }),
    );

  return policy;
}
