// js_eval's queue is shared by every client: the gateway names the caller of each evaluation, so one principal
// flooding it with slow code is refused beyond its share, and another principal's evaluation takes its turn
// instead of waiting behind the whole backlog.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWarden, type RunningWarden } from '../../src/app/start.js';
import { configFromObject } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import { openSqliteKeyStore } from '../../src/store/sqlite/keys.js';
import { MAX_QUEUED_EVALS_PER_PRINCIPAL } from '../../src/tools/js/index.js';
import { TestClient, textOf } from './helpers/mcp-http-client.js';

const TIMEOUT_MS = 100;
let warden: RunningWarden;
const clients: Record<string, TestClient> = {};

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-js-fairness-'));
  const keys = openSqliteKeyStore(join(dir, 'warden.db'));
  const key = {
    alice: (await keys.create({ principal: 'alice' })).key,
    bob: (await keys.create({ principal: 'bob' })).key,
  };
  await keys.close();
  const config = configFromObject(
    {
      listen: { http: '127.0.0.1:0' },
      auth: { mode: 'api-key' },
      store: { sqlite: join(dir, 'warden.db') },
      policy: { rules: [{ name: 'eval', tools: ['js_eval'], effect: 'allow' }] },
      builtins: { js: { timeoutMs: TIMEOUT_MS, workers: 1 } },
    },
    { baseDir: dir },
  );
  warden = await startWarden(config, { logger: silentLogger() });
  const url = `http://127.0.0.1:${warden.address!.port}/mcp`;
  for (const [principal, secret] of Object.entries(key)) {
    clients[principal] = new TestClient({ url, headers: { 'x-api-key': secret } });
    await clients[principal].initialize();
  }
});

afterAll(async () => {
  await warden?.stop();
});

describe('js_eval fairness between principals', () => {
  it('refuses a flooding principal beyond its share and runs another principal’s evaluation next', async () => {
    const finished: string[] = [];
    const evaluate = async (who: string, code: string): Promise<string> => {
      const { response } = await clients[who]!.request('tools/call', {
        name: 'js_eval',
        arguments: { code },
      });
      const text = response?.error ? response.error.message : textOf(response?.result);
      finished.push(who);
      return text;
    };
    // One evaluation runs, MAX_QUEUED_EVALS_PER_PRINCIPAL wait, and the one after is refused at once.
    const flood = Array.from({ length: MAX_QUEUED_EVALS_PER_PRINCIPAL + 2 }, () =>
      evaluate('alice', 'for (;;) {}'),
    );
    const refused = await Promise.race(flood);
    expect(refused).toBe('CONCURRENCY_LIMITED: too many evaluations waiting for this caller');
    expect(await evaluate('bob', '1 + 1')).toContain('2');
    // Bob waited for the evaluation running when he came and, at most, one more of Alice's; not for her backlog.
    expect(finished.indexOf('bob')).toBeLessThanOrEqual(3);
    const flooded = await Promise.all(flood);
    expect(flooded.filter((text) => text.startsWith('CONCURRENCY_LIMITED'))).toHaveLength(1);
    expect(flooded.filter((text) => text.startsWith('JS_TIMEOUT'))).toHaveLength(
      MAX_QUEUED_EVALS_PER_PRINCIPAL + 1,
    );
  });
});
