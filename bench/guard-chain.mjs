// The cost of Warden's guard chain per call, in-process and without I/O: API-key authentication (with the
// client-address and IP-allowlist steps), correlation id, rate limit acquire/release, policy decision with an
// argument condition, and argument validation against the tool's JSON Schema. Issue 3 budgets 20 µs for all of
// it. Prints one JSON line.
//   node bench/guard-chain.mjs [--quick]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { configFromObject } from '../dist/config/index.js';
import { createGuard } from '../dist/guard/index.js';
import { compilePolicy } from '../dist/policy/policy.js';
import { createArgValidator } from '../dist/policy/validate-args.js';
import { openSqliteKeyStore } from '../dist/store/sqlite/keys.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const CALLS = values.quick ? 50_000 : 300_000;
const ROUNDS = 5;

const dir = mkdtempSync(join(tmpdir(), 'warden-guard-bench-'));
const config = configFromObject(
  {
    auth: { mode: 'api-key', ipAllow: ['127.0.0.0/8', '::1/128'] },
    limits: {
      principal: { max: 1e9, windowMs: 60_000 },
      tool: { max: 1e9, windowMs: 60_000 },
      concurrency: 1000,
    },
    policy: {
      rules: [
        {
          name: 'no secrets',
          tools: ['echo'],
          effect: 'deny',
          when: [{ pointer: '/text', prefix: 'secret' }],
        },
        { name: 'bench may echo', principals: ['bench'], tools: ['echo'], effect: 'allow' },
      ],
    },
  },
  { baseDir: dir },
);
const keys = openSqliteKeyStore(join(dir, 'w.db'));
const { key } = await keys.create({ principal: 'bench' });
const guard = await createGuard({ auth: config.auth, limits: config.limits, keys, listenIsLoopback: true });
const policy = compilePolicy(config.policy, { defaultEffect: 'deny' });
const validator = createArgValidator();
const tool = {
  name: 'echo',
  description: 'Echo',
  inputSchema: {
    type: 'object',
    properties: { text: { type: 'string', maxLength: 1000 } },
    required: ['text'],
    additionalProperties: false,
  },
  annotations: { readOnlyHint: true },
};
const request = {
  headers: {
    host: '127.0.0.1:8787',
    'content-type': 'application/json',
    authorization: `Bearer ${key}`,
    'x-request-id': 'bench-1',
  },
  remoteAddress: '127.0.0.1',
  url: '/mcp',
};

function oneCall(i) {
  const auth = guard.authenticate(request);
  if (auth instanceof Promise) throw new Error('authentication left the synchronous fast path');
  guard.correlationId(request.headers);
  const release = guard.limiter.acquire(auth.principal.id, 'echo');
  const args = { text: `hello ${i & 7}` };
  const decision = policy.decide(auth.principal, tool, args);
  if (decision.effect !== 'allow') throw new Error(`unexpected decision ${decision.effect}`);
  validator.validate(tool, args);
  release();
}

for (let i = 0; i < 20_000; i++) oneCall(i); // warm-up: JIT, caches
const perCallUs = [];
for (let r = 0; r < ROUNDS; r++) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) oneCall(i);
  perCallUs.push(Number(process.hrtime.bigint() - started) / 1000 / CALLS);
}
perCallUs.sort((a, b) => a - b);
await guard.close();
await keys.close();
rmSync(dir, { recursive: true, force: true });
const result = {
  guardChainUsPerCall: Number(perCallUs[Math.floor(ROUNDS / 2)].toFixed(2)),
  rounds: perCallUs.map((v) => Number(v.toFixed(2))),
  calls: CALLS,
  budgetUs: 20,
};
console.log(JSON.stringify(result));
