/**
 * SSRF attack corpus against http_fetch, run inside a network namespace created by this test: the forbidden
 * destinations (loopback, 10.0.0.5, 169.254.169.254, 192.168.1.10, 100.64.0.1, 172.16.0.1, fd00:ec2::254, ::1)
 * really exist there as recording HTTP servers on ports 80 and 8080, so a bypass would show up as a hit.
 * 127.0.0.1:8080 and 127.0.0.1:8081 are the only servers a case may allow.
 */
import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hit } from './http-servers.js';

interface Outcome {
  code?: string;
  message?: string;
  result?: { structuredContent?: Record<string, unknown>; content?: unknown[] };
}
interface Answer {
  id: number;
  outcomes: Outcome[];
  hits: Hit[];
}
interface Case {
  name: string;
  calls: unknown[];
  expect: (string | number)[];
  config?: Record<string, unknown>;
  resolve?: Record<string, string[][]>;
  env?: Record<string, string>;
  /** Hits expected on the allowed servers, by server label. */
  allowedHits?: Record<string, number>;
}

const ALLOWED = ['127.0.0.1:8080', '127.0.0.1:8081', '127.0.0.1:8443'];
const ALLOW_LOOPBACK_8080 = { allow: ALLOWED };
const unshareWorks = spawnSync('unshare', ['-n', 'true']).status === 0;
const opensslWorks = spawnSync('openssl', ['version']).status === 0;

let child: ChildProcessWithoutNullStreams | undefined;
let workDir = '';
const pending = new Map<number, (answer: Answer) => void>();
let nextId = 1;
let readyLine: Promise<string[]>;

function ask(c: Omit<Case, 'name' | 'expect' | 'allowedHits'>): Promise<Answer> {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    child!.stdin.write(
      `${JSON.stringify({ id, config: c.config ?? {}, calls: c.calls, resolve: c.resolve, env: c.env })}\n`,
    );
  });
}

beforeAll(async () => {
  if (!unshareWorks) return;
  workDir = mkdtempSync(join(tmpdir(), 'warden-http-netns-'));
  const bundle = join(workDir, 'harness.mjs');
  execFileSync('node_modules/.bin/esbuild', [
    'test/e2e/http-netns-harness.ts',
    '--bundle',
    '--platform=node',
    '--format=esm',
    '--target=node20',
    `--outfile=${bundle}`,
    '--log-level=warning',
  ]);
  const tlsEnv: Record<string, string> = {};
  if (opensslWorks) {
    const key = join(workDir, 'key.pem');
    const cert = join(workDir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=tls.test',
        '-addext',
        'subjectAltName=DNS:tls.test,IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    // The harness trusts this one certificate, so https is tested end to end with verification on.
    Object.assign(tlsEnv, { HARNESS_TLS_KEY: key, HARNESS_TLS_CERT: cert, NODE_EXTRA_CA_CERTS: cert });
  }
  child = spawn('unshare', ['-n', process.execPath, bundle], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...tlsEnv },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout });
  readyLine = new Promise((resolve, reject) => {
    child!.once('exit', (code) => reject(new Error(`harness exited ${String(code)}: ${stderr}`)));
    lines.on('line', (line) => {
      const message = JSON.parse(line) as { ready?: string[] } & Partial<Answer>;
      if (message.ready !== undefined) resolve(message.ready);
      else pending.get(message.id!)?.(message as Answer);
    });
  });
  await readyLine;
});

afterAll(() => {
  child?.stdin.end();
  child?.kill();
  if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
});

const outcomeOf = (o: Outcome | undefined): string | number =>
  o?.code ?? (o?.result?.structuredContent?.status as number);
const forbiddenHits = (hits: Hit[]): Hit[] => hits.filter((h) => !ALLOWED.includes(h.server));
const countBy = (hits: Hit[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const h of hits) counts[h.server] = (counts[h.server] ?? 0) + 1;
  return counts;
};

const url = (u: string): { url: string } => ({ url: u });
const denied = (name: string, u: string, extra: Partial<Case> = {}): Case => ({
  name,
  calls: [url(u)],
  expect: ['HTTP_ADDRESS_DENIED'],
  ...extra,
});
const redirectTo = (to: string, extra = ''): string =>
  `http://127.0.0.1:8080/redirect?to=${encodeURIComponent(to)}${extra}`;

const CASES: Case[] = [
  // literal address forms the WHATWG parser normalises to loopback or private addresses
  denied('dotted loopback', 'http://127.0.0.1/'),
  denied('decimal IPv4', 'http://2130706433/'),
  denied('hex IPv4', 'http://0x7f000001/'),
  denied('octal IPv4', 'http://0177.0.0.1/'),
  denied('mixed hex short IPv4', 'http://0x7f.1/'),
  denied('short IPv4 127.1', 'http://127.1/'),
  denied('bare 0', 'http://0/'),
  denied('0.0.0.0', 'http://0.0.0.0/'),
  denied('trailing dot on a literal', 'http://127.0.0.1./'),
  denied('fullwidth digits', 'http://１２７.０.０.１/'),
  denied('circled digits', 'http://①②⑦.0.0.1/'),
  denied('IPv6 loopback', 'http://[::1]/'),
  denied('IPv6 unspecified', 'http://[::]/'),
  denied('IPv4-mapped dotted', 'http://[::ffff:127.0.0.1]/'),
  denied('IPv4-mapped hex', 'http://[::ffff:7f00:1]/'),
  denied('IPv4-mapped private on 8080', 'http://[::ffff:10.0.0.5]:8080/'),
  denied('IPv4-compatible', 'http://[::127.0.0.1]/'),
  denied('NAT64 loopback', 'http://[64:ff9b::7f00:1]/'),
  denied('NAT64 metadata', 'http://[64:ff9b::169.254.169.254]/'),
  denied('6to4 loopback', 'http://[2002:7f00:1::1]/'),
  denied('cloud metadata IPv4', 'http://169.254.169.254/latest/meta-data/'),
  denied('cloud metadata IPv6', 'http://[fd00:ec2::254]/latest/meta-data/'),
  denied('private 10/8', 'http://10.0.0.5/'),
  denied('private 192.168/16', 'http://192.168.1.10/'),
  denied('private 172.16/12', 'http://172.16.0.1/'),
  denied('CGNAT', 'http://100.64.0.1/'),
  denied('https to loopback', 'https://127.0.0.1/'),
  denied('an allow entry is scoped to its port', 'http://127.0.0.1:80/', { config: ALLOW_LOOPBACK_8080 }),
  denied('an allow entry for 127.0.0.1 does not cover ::1', 'http://[::1]:8080/', {
    config: ALLOW_LOOPBACK_8080,
  }),
  // names
  denied('localhost via the system resolver', 'http://localhost/'),
  denied('a trailing-dot name is resolved as written and its answer checked', 'http://internal.test./', {
    resolve: { 'internal.test.': [['10.0.0.5']] },
  }),
  denied('percent-encoded host digits', 'http://%31%32%37.0.0.1/'),
  denied('a name answering the metadata address', 'http://metadata.test/', {
    resolve: { 'metadata.test': [['169.254.169.254']] },
  }),
  denied('answers mixing public and private', 'http://mixed.test/', {
    resolve: { 'mixed.test': [['8.8.8.8', '10.0.0.5']] },
  }),
  denied('private answer listed first', 'http://mixed2.test/', {
    resolve: { 'mixed2.test': [['192.168.1.10', '1.1.1.1']] },
  }),
  denied('IPv6 answers mixing public and private', 'http://mixed6.test/', {
    resolve: { 'mixed6.test': [['2606:4700:4700::1111', 'fd00:ec2::254']] },
  }),
  denied('an IPv4-mapped answer', 'http://mapped.test/', {
    resolve: { 'mapped.test': [['::ffff:127.0.0.1']] },
  }),
  denied('a garbage answer fails closed', 'http://garbage.test/', {
    resolve: { 'garbage.test': [['not-an-ip']] },
  }),
  {
    name: 'an empty answer',
    calls: [url('http://empty.test/')],
    expect: ['HTTP_DNS_FAILED'],
    resolve: { 'empty.test': [[]] },
  },
  {
    name: 'rebinding across two lookups: the second fetch is refused, the first connected to what was checked',
    calls: [url('http://rebind.test:8080/'), url('http://rebind.test:8080/')],
    expect: [200, 'HTTP_ADDRESS_DENIED'],
    config: ALLOW_LOOPBACK_8080,
    resolve: { 'rebind.test': [['127.0.0.1'], ['10.0.0.5']] },
    allowedHits: { '127.0.0.1:8080': 1 },
  },
  {
    name: 'rebinding between redirect hops',
    calls: [url('http://rebind.test:8080/redirect?to=/next')],
    expect: ['HTTP_ADDRESS_DENIED'],
    config: ALLOW_LOOPBACK_8080,
    resolve: { 'rebind.test': [['127.0.0.1'], ['10.0.0.5']] },
    allowedHits: { '127.0.0.1:8080': 1 },
  },
  // userinfo
  {
    name: 'userinfo confusion public@loopback',
    calls: [url('http://public.example@127.0.0.1/')],
    expect: ['CREDENTIAL_IN_URL'],
  },
  {
    name: 'userinfo with a port-like password',
    calls: [url('http://127.0.0.1:80@public.example/')],
    expect: ['CREDENTIAL_IN_URL'],
  },
  // redirects
  denied('redirect to loopback port 80', redirectTo('http://127.0.0.1/'), {
    config: ALLOW_LOOPBACK_8080,
    allowedHits: { '127.0.0.1:8080': 1 },
  }),
  denied('redirect to metadata', redirectTo('http://169.254.169.254/latest/meta-data/'), {
    config: ALLOW_LOOPBACK_8080,
    allowedHits: { '127.0.0.1:8080': 1 },
  }),
  denied('308 redirect to decimal private', redirectTo('http://167772165:8080/', '&status=308'), {
    config: ALLOW_LOOPBACK_8080,
    allowedHits: { '127.0.0.1:8080': 1 },
  }),
  denied('redirect to IPv6 metadata', redirectTo('http://[fd00:ec2::254]:8080/'), {
    config: ALLOW_LOOPBACK_8080,
    allowedHits: { '127.0.0.1:8080': 1 },
  }),
  {
    name: 'redirect to file:',
    calls: [url(redirectTo('file:///etc/passwd'))],
    expect: ['HTTP_SCHEME_DENIED'],
    config: ALLOW_LOOPBACK_8080,
    allowedHits: { '127.0.0.1:8080': 1 },
  },
  {
    name: 'redirect to gopher:',
    calls: [url(redirectTo('gopher://127.0.0.1:8080/_GET'))],
    expect: ['HTTP_SCHEME_DENIED'],
    config: ALLOW_LOOPBACK_8080,
    allowedHits: { '127.0.0.1:8080': 1 },
  },
  {
    name: 'redirect adding userinfo',
    calls: [url(redirectTo('http://user:pw@127.0.0.1:8081/'))],
    expect: ['CREDENTIAL_IN_URL'],
    config: ALLOW_LOOPBACK_8080,
    allowedHits: { '127.0.0.1:8080': 1 },
  },
  {
    name: 'redirect chain longer than 5',
    calls: [url('http://127.0.0.1:8080/chain?n=6')],
    expect: ['HTTP_TOO_MANY_REDIRECTS'],
    config: { ...ALLOW_LOOPBACK_8080, maxRedirects: 5 },
    allowedHits: { '127.0.0.1:8080': 6 },
  },
  {
    name: 'redirect chain of exactly 5',
    calls: [url('http://127.0.0.1:8080/chain?n=5')],
    expect: [200],
    config: { ...ALLOW_LOOPBACK_8080, maxRedirects: 5 },
    allowedHits: { '127.0.0.1:8080': 6 },
  },
  {
    name: 'redirect to plain http refused when httpsOnly',
    calls: [url('http://127.0.0.1:8080/')],
    expect: ['HTTP_SCHEME_DENIED'],
    config: { ...ALLOW_LOOPBACK_8080, httpsOnly: true },
  },
  // size and time
  {
    name: 'huge streamed body',
    calls: [url('http://127.0.0.1:8080/big?bytes=20000000')],
    expect: ['HTTP_TOO_LARGE'],
    config: { ...ALLOW_LOOPBACK_8080, maxBytes: 1_000_000 },
    allowedHits: { '127.0.0.1:8080': 1 },
  },
  {
    name: 'huge declared body',
    calls: [url('http://127.0.0.1:8080/big-declared')],
    expect: ['HTTP_TOO_LARGE'],
    config: { ...ALLOW_LOOPBACK_8080, maxBytes: 1_000_000 },
    allowedHits: { '127.0.0.1:8080': 1 },
  },
  {
    name: 'slow body hits the total deadline',
    calls: [url('http://127.0.0.1:8080/slow')],
    expect: ['HTTP_TIMEOUT'],
    config: { ...ALLOW_LOOPBACK_8080, timeoutMs: 300 },
    allowedHits: { '127.0.0.1:8080': 1 },
  },
  {
    name: 'server that never answers hits the deadline',
    calls: [url('http://127.0.0.1:8080/hang')],
    expect: ['HTTP_TIMEOUT'],
    config: { ...ALLOW_LOOPBACK_8080, timeoutMs: 300 },
    allowedHits: { '127.0.0.1:8080': 1 },
  },
  // proxies in the environment are never used
  {
    name: 'HTTP_PROXY and friends pointing at a recording proxy are ignored',
    calls: [url('http://127.0.0.1:8080/')],
    expect: [200],
    config: ALLOW_LOOPBACK_8080,
    env: {
      HTTP_PROXY: 'http://10.0.0.5:3128',
      http_proxy: 'http://10.0.0.5:3128',
      HTTPS_PROXY: 'http://10.0.0.5:3128',
      ALL_PROXY: 'http://10.0.0.5:3128',
      NODE_USE_ENV_PROXY: '1',
    },
    allowedHits: { '127.0.0.1:8080': 1 },
  },
  {
    name: 'an allowed server set as HTTP_PROXY cannot carry a request to a forbidden one',
    calls: [url('http://10.0.0.5/')],
    expect: ['HTTP_ADDRESS_DENIED'],
    config: ALLOW_LOOPBACK_8080,
    env: {
      HTTP_PROXY: 'http://127.0.0.1:8080',
      http_proxy: 'http://127.0.0.1:8080',
      NODE_USE_ENV_PROXY: '1',
    },
    allowedHits: {},
  },
  // schemes and malformed input
  ...[
    'file:///etc/passwd',
    'ftp://127.0.0.1/',
    'gopher://127.0.0.1:80/_GET%20/',
    'data:text/plain,hi',
    'javascript:alert(1)',
    'ws://127.0.0.1/',
    'dict://127.0.0.1:80/',
  ].map((u): Case => ({
    name: `scheme ${u.slice(0, u.indexOf(':'))}`,
    calls: [url(u)],
    expect: ['HTTP_SCHEME_DENIED'],
  })),
  ...[
    'http://[::1/',
    'http://999.0.0.1/',
    'http:// 127.0.0.1/',
    'http://127.0.0.1\t/',
    'http://[fe80::1%25lo]/',
    'http://127.0.0.1:99999/',
    '//127.0.0.1/',
  ].map((u): Case => ({ name: `malformed ${JSON.stringify(u)}`, calls: [url(u)], expect: ['HTTP_BAD_URL'] })),
  { name: 'url as a number', calls: [{ url: 2130706433 }], expect: ['ARGS_INVALID'] },
  { name: 'url as an object', calls: [{ url: { href: 'http://127.0.0.1/' } }], expect: ['ARGS_INVALID'] },
  {
    name: 'headers as a string',
    calls: [{ url: 'http://127.0.0.1:8080/', headers: 'Host: x' }],
    expect: ['ARGS_INVALID'],
    config: ALLOW_LOOPBACK_8080,
    allowedHits: {},
  },
  { name: 'arguments as an array', calls: [['http://127.0.0.1/']], expect: ['ARGS_INVALID'] },
  {
    name: 'a Host header naming a forbidden address',
    calls: [{ url: 'http://127.0.0.1:8080/', headers: { Host: '169.254.169.254' } }],
    expect: ['HTTP_HEADER_DENIED'],
    config: ALLOW_LOOPBACK_8080,
    allowedHits: {},
  },
];

describe.skipIf(!unshareWorks)('http_fetch SSRF corpus inside a network namespace', () => {
  it('has at least 40 attack cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it('really serves every forbidden destination (so a bypass would be recorded)', async () => {
    const labels = await readyLine;
    const targets = labels.map((l) => `${l.endsWith(':8443') ? 'https' : 'http'}://${l}/`);
    const answer = await ask({ config: { allow: ['0.0.0.0/0', '::/0'] }, calls: targets.map(url) });
    expect(answer.outcomes.map(outcomeOf)).toEqual(targets.map(() => 200));
    expect(Object.keys(countBy(answer.hits)).sort()).toEqual([...labels].sort());
  });

  it.each(CASES)('$name', async (c) => {
    const answer = await ask(c);
    expect(answer.outcomes.map(outcomeOf)).toEqual(c.expect);
    expect(forbiddenHits(answer.hits)).toEqual([]);
    expect(countBy(answer.hits)).toEqual(c.allowedHits ?? {});
  });

  it.skipIf(!opensslWorks)(
    'fetches https with certificate and name verification, each hop re-checked',
    async () => {
      const resolve = {
        'tls.test': [['127.0.0.1']],
        'other.test': [['127.0.0.1']],
        'meta.test': [['169.254.169.254']],
      };
      const answer = await ask({
        config: { allow: ['127.0.0.1:8443'] },
        resolve,
        calls: [
          url('https://tls.test:8443/'),
          url('https://127.0.0.1:8443/json'),
          url('https://other.test:8443/'),
          url('https://meta.test:8443/'),
        ],
      });
      expect(answer.outcomes.map(outcomeOf)).toEqual([200, 200, 'HTTP_FAILED', 'HTTP_ADDRESS_DENIED']);
      expect(answer.hits.map((h) => [h.server, h.url, h.headers.host])).toEqual([
        ['127.0.0.1:8443', '/', 'tls.test:8443'],
        ['127.0.0.1:8443', '/json', '127.0.0.1:8443'],
      ]);
    },
  );

  it('turns POST into GET without a body on 303, and drops Authorization across origins on 307', async () => {
    const answer = await ask({
      config: ALLOW_LOOPBACK_8080,
      calls: [
        {
          url: 'http://127.0.0.1:8080/redirect?status=303&to=/echo',
          method: 'POST',
          body: 'secret-form',
          headers: { 'content-type': 'text/plain' },
        },
        {
          url: redirectTo('http://127.0.0.1:8081/echo', '&status=307'),
          method: 'POST',
          body: 'kept',
          headers: { authorization: 'Bearer t', cookie: 'c=1' },
        },
      ],
    });
    expect(answer.outcomes.map(outcomeOf)).toEqual([200, 200]);
    expect(
      answer.hits.map((h) => [
        h.server,
        h.method,
        h.body,
        h.headers['content-type'],
        h.headers.authorization,
        h.headers.cookie,
      ]),
    ).toEqual([
      ['127.0.0.1:8080', 'POST', 'secret-form', 'text/plain', undefined, undefined],
      ['127.0.0.1:8080', 'GET', '', undefined, undefined, undefined],
      ['127.0.0.1:8080', 'POST', 'kept', undefined, 'Bearer t', 'c=1'],
      ['127.0.0.1:8081', 'POST', 'kept', undefined, undefined, undefined],
    ]);
  });
});
