// Secret redaction through the running gateway: results returned to clients (redact.results), stored audit
// arguments, and Warden's own logs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWarden, type RunningWarden } from '../../src/app/start.js';
import { configFromObject } from '../../src/config/index.js';
import { createLogger } from '../../src/log/index.js';
import { miniUpstream } from './helpers/gateway.js';
import { TestClient, textOf } from './helpers/mcp-http-client.js';

// Built at run time so that no secret-shaped literal sits in the repository.
const j = (...parts: string[]): string => parts.join('');
const GITHUB = j('ghp', '_', 'aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789');
const AWS = j('AKIA', 'Q3EGUWXQZ7M4T2PL');

/** A reply of the test client (a tools/call result or a whole POST result). */
type Reply = Awaited<ReturnType<TestClient['call']>>;

/** Log lines of Warden itself: everything but the relayed stderr of upstream processes (tested on its own). */
function ownLogLines(logs: string): string {
  return logs
    .split('\n')
    .filter((l) => !l.includes('"msg":"upstream stderr"'))
    .join('\n');
}

interface Started {
  warden: RunningWarden;
  client: TestClient;
  dir: string;
  logs: () => string;
}

async function start(redactResults: boolean): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-redact-'));
  const chunks: Buffer[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  const config = configFromObject(
    {
      listen: { http: '127.0.0.1:0' },
      auth: { mode: 'none' },
      policy: { default: 'allow' },
      store: { sqlite: 'warden.db' },
      logging: { level: 'debug' },
      redact: { results: redactResults },
      builtins: { echo: {}, js: { timeoutMs: 1000 } },
      upstreams: {
        mini: miniUpstream('mini'),
        // An upstream that prints its token on stderr (as careless servers do) and dies: Warden logs both.
        broken: {
          command: process.execPath,
          args: ['-e', 'console.error("using token " + process.env.GITHUB_TOKEN); process.exit(1)'],
          env: { GITHUB_TOKEN: GITHUB, AWS_ACCESS_KEY_ID: AWS },
        },
      },
    },
    { baseDir: dir },
  );
  const warden = await startWarden(config, { logger: createLogger({ level: 'debug', destination }) });
  const client = new TestClient({ url: `http://127.0.0.1:${warden.address!.port}/mcp` });
  await client.initialize();
  return { warden, client, dir, logs: () => Buffer.concat(chunks).toString('utf8') };
}

/** Calls that carry the secrets in arguments, in results only, and in places that fail. */
async function exercise(client: TestClient): Promise<Record<string, Reply>> {
  return {
    echo: await client.call('echo', { text: `token ${GITHUB} key ${AWS}` }),
    upstream: await client.call('mini__echo', { text: `token ${GITHUB}` }),
    // The whole token appears only in the result: the code holds it in two pieces.
    js: await client.call('js_eval', {
      code: `["ghp" + "_", input.rest].join("")`,
      input: { rest: GITHUB.slice(4) },
    }),
    unknown: await client.request('tools/call', { name: `nope_${GITHUB}`, arguments: { password: GITHUB } }),
    badArgs: await client.call('echo', { text: 42, secret: AWS }),
    // The mini upstream answers any URI with "content of <uri>".
    resource: await client.request('resources/read', { uri: `mini://mini/${GITHUB}` }),
  };
}

describe('redact.results: true', () => {
  let s: Started;
  let replies: Record<string, Reply>;
  beforeAll(async () => {
    s = await start(true);
    replies = await exercise(s.client);
    await s.warden.stop();
  }, 20_000);
  afterAll(async () => s?.warden.stop());

  it('masks a GitHub token and an AWS key in a built-in result', () => {
    const text = textOf(replies.echo);
    expect(text).not.toContain(GITHUB);
    expect(text).not.toContain(AWS);
    expect(text).toMatch(/^token \[REDACTED:[a-z-]+\] key \[REDACTED:[a-z-]+\]$/);
  });

  it('masks a token in an upstream result', () => {
    expect(textOf(replies.upstream)).toMatch(/^token \[REDACTED:[a-z-]+\]$/);
  });

  it('masks a token that exists only in the result (js_eval)', () => {
    expect(JSON.stringify(replies.js)).not.toContain(GITHUB);
    expect(JSON.stringify(replies.js)).toContain('[REDACTED:');
  });

  it('masks a token in an upstream resource read', () => {
    const text = replies.resource.response.result.contents[0].text as string;
    expect(text).toMatch(/^content of mini:\/\/mini\/\[REDACTED:[a-z-]+\]$/);
  });

  it('never lets a secret from the arguments into an error reply', () => {
    // (An unknown tool's name is echoed back to the client that sent it; that is its own input, not a leak.)
    expect(replies.unknown.response.error).toBeDefined();
    expect(replies.badArgs.isError).toBe(true);
    expect(JSON.stringify(replies.badArgs)).not.toContain(AWS);
  });

  it('keeps the secrets of the calls out of the logs', () => {
    const logs = ownLogLines(s.logs());
    // The broken upstream's failure was logged, so the check below has something to look at.
    expect(logs).toContain('broken');
    expect(logs).not.toContain(GITHUB);
    expect(logs).not.toContain(AWS);
  });
});

describe('redact.results: false', () => {
  let s: Started;
  let replies: Record<string, Reply>;
  let stored: Array<{ name: string | null; args: string | null; args_digest: string | null }>;
  beforeAll(async () => {
    s = await start(false);
    replies = await exercise(s.client);
    await s.warden.stop();
    const db = new Database(join(s.dir, 'warden.db'), { readonly: true });
    stored = db
      .prepare('SELECT name, args, args_digest FROM audit_records ORDER BY seq')
      .all() as typeof stored;
    db.close();
  }, 20_000);
  afterAll(async () => s?.warden.stop());

  it('returns the result unchanged to the client', () => {
    expect(textOf(replies.echo)).toBe(`token ${GITHUB} key ${AWS}`);
  });

  it('masks the secret in the stored arguments of every audit record, keeping the digest of the real ones', () => {
    const all = JSON.stringify(stored.map((r) => r.args));
    expect(all).not.toContain(GITHUB);
    expect(all).not.toContain(AWS);
    const echo = stored.find((r) => r.name === 'echo' && r.args?.includes('token'))!;
    expect(echo.args).toMatch(/^\{"text":"token \[REDACTED:[a-z-]+\] key \[REDACTED:[a-z-]+\]"\}$/);
    expect(echo.args_digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('masks a secret in the audited name, also when glued to a preceding word (nope_ghp_…)', () => {
    const unknown = stored.find((r) => r.name?.startsWith('nope_'))!;
    const resource = stored.find((r) => r.name?.startsWith('resource:'))!;
    expect(unknown).toBeDefined();
    expect(resource).toBeDefined();
    expect(resource.args).not.toContain(GITHUB);
    expect([unknown.name, resource.name]).toEqual([
      expect.not.stringContaining(GITHUB),
      expect.not.stringContaining(GITHUB),
    ]);
  });

  it('keeps the secrets of the calls out of the logs', () => {
    const logs = ownLogLines(s.logs());
    expect(logs).not.toContain(GITHUB);
    expect(logs).not.toContain(AWS);
  });

  it('masks a secret in upstream stderr relayed into the logs', () => {
    const relayed = s
      .logs()
      .split('\n')
      .filter((l) => l.includes('"msg":"upstream stderr"'));
    expect(relayed.join('\n')).toContain('using token');
    expect(relayed.join('\n')).not.toContain(GITHUB);
  });
});
