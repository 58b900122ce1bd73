import { mkdtempSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/verify.js';
import { startCli, waitForListening } from './helpers/cli.js';
import { TestClient } from './helpers/mcp-http-client.js';

/** Answered calls to wait for before the kill. */
const ANSWERS_BEFORE_KILL = 1500;
const CLIENTS = 16;

describe('gateway audit durability', () => {
  it.each(['fsync', 'os'])(
    'has a record for every answered call after SIGKILL under load, and the chain verifies (durability %s)',
    async (durability) => {
      const dir = mkdtempSync(join(tmpdir(), 'warden-kill-'));
      writeFileSync(
        join(dir, 'warden.yaml'),
        JSON.stringify({
          listen: { http: '127.0.0.1:0' },
          auth: { mode: 'none' },
          policy: { default: 'allow' },
          builtins: { echo: {} },
          audit: { durability, sealKey: 'k', sealEveryRecords: 200 },
          logging: { level: 'silent' },
        }),
      );
      const child = startCli(['serve', '--config', join(dir, 'warden.yaml')], { cwd: dir });
      const url = new URL((await waitForListening(child)).url);
      const client = new TestClient({ url: url.href });
      await client.initialize();
      const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
      const answered: string[] = [];
      let killed = false;
      let next = 0;
      const call = (): Promise<void> =>
        new Promise((resolve) => {
          const id = `kill-${next++}`;
          const body = JSON.stringify({
            jsonrpc: '2.0',
            id,
            method: 'tools/call',
            params: { name: 'echo', arguments: { text: id } },
          });
          const req = request(
            {
              host: url.hostname,
              port: url.port,
              path: '/mcp',
              method: 'POST',
              agent,
              headers: {
                'content-type': 'application/json',
                'mcp-session-id': client.sessionId!,
                'x-request-id': id,
              },
            },
            (res) => {
              let text = '';
              res.setEncoding('utf8').on('data', (c: string) => (text += c));
              res.on('end', () => {
                if (res.statusCode === 200 && text.includes(`"text":"${id}"`)) answered.push(id);
                resolve();
              });
              res.on('error', () => resolve());
            },
          );
          req.on('error', () => resolve());
          req.end(body);
        });
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (!killed) {
            await call();
            if (answered.length >= ANSWERS_BEFORE_KILL && !killed) {
              killed = true;
              child.kill('SIGKILL');
            }
          }
        }),
      );
      await once(child, 'exit').catch(() => undefined);
      agent.destroy();
      const db = new Database(join(dir, '.warden/warden.db'), { readonly: true });
      const stored = new Set(
        db
          .prepare("SELECT correlation_id FROM audit_records WHERE method = 'tools/call'")
          .pluck()
          .all() as string[],
      );
      db.close();
      expect(answered.length).toBeGreaterThanOrEqual(ANSWERS_BEFORE_KILL);
      expect(answered.filter((id) => !stored.has(id))).toEqual([]);
      expect(await verifyAudit(join(dir, '.warden/warden.db'), { sealKey: 'k' })).toMatchObject({ ok: true });
    },
    120_000,
  );
});
