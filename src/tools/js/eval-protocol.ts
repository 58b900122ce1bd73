import * as z from 'zod';

/** Limits applied to one evaluation inside a worker. */
export interface EvalLimits {
  memoryBytes: number;
  stackBytes: number;
  timeoutMs: number;
  maxOutputBytes: number;
}

/** One evaluation request sent to a worker; `inputJson` is undefined when the caller gave no input. */
export interface EvalRequest {
  id: number;
  code: string;
  inputJson: string | undefined;
  limits: EvalLimits;
}

/** A captured console line. */
export interface ConsoleLine {
  level: 'log' | 'warn' | 'error';
  text: string;
}

const failureCodeSchema = z.enum(['JS_TIMEOUT', 'JS_MEMORY', 'JS_STACK', 'JS_ERROR', 'JS_BAD_RESULT']);

/** The error codes an evaluation can end with. */
export type EvalFailureCode = z.output<typeof failureCodeSchema>;

const consoleLineSchema = z.strictObject({ level: z.enum(['log', 'warn', 'error']), text: z.string() });

const outcomeSchema = z.discriminatedUnion('ok', [
  z.strictObject({
    ok: z.literal(true),
    resultJson: z.string(),
    logs: z.array(consoleLineSchema),
    logsTruncated: z.boolean(),
  }),
  z.strictObject({ ok: z.literal(false), code: failureCodeSchema, message: z.string() }),
]);

/** What an evaluation produced: the result as JSON text plus console lines, or a failure. */
export type EvalOutcome = z.output<typeof outcomeSchema>;

const workerMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  z.strictObject({
    type: z.literal('done'),
    id: z.number().int(),
    outcome: outcomeSchema,
    healthy: z.boolean(),
  }),
]);

/** A message from an evaluation worker to the pool. */
export type WorkerMessage = z.output<typeof workerMessageSchema>;

/** Parses a message received from an evaluation worker; undefined when it is malformed. */
export function parseWorkerMessage(value: unknown): WorkerMessage | undefined {
  const parsed = workerMessageSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

const requestSchema = z.strictObject({
  id: z.number().int(),
  code: z.string(),
  inputJson: z.string().optional(),
  limits: z.strictObject({
    memoryBytes: z.number().int().positive(),
    stackBytes: z.number().int().positive(),
    timeoutMs: z.number().int().positive(),
    maxOutputBytes: z.number().int().positive(),
  }),
});

/** Parses a request received by an evaluation worker; undefined when it is malformed. */
export function parseEvalRequest(value: unknown): EvalRequest | undefined {
  const parsed = requestSchema.safeParse(value);
  if (!parsed.success) return undefined;
  return { ...parsed.data, inputJson: parsed.data.inputJson };
}
