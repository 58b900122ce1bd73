import { describe, expect, it } from 'vitest';
import { isWardenError } from '../errors/index.js';
import { createRedactor, shannonBitsPerChar } from './redact.js';

// Fake secrets are assembled at run time so that secret scanners do not flag this file.
const j = (...parts: string[]): string => parts.join('');
const R40 = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** Real-format fake secrets: [input, expected kind]. */
const SECRETS: [string, string][] = [
  [j('AKIA', 'IOSFODNN7EXAMPLE'), 'aws-access-key'],
  [j('ASIA', 'Y34FZKBOKMUTVV7A'), 'aws-access-key'],
  [j('aws_secret_access_key = ', R40), 'aws-secret-key'],
  [j('AWS_SECRET_ACCESS_KEY="', R40, '"'), 'aws-secret-key'],
  [j('AIza', 'SyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI'), 'gcp-api-key'],
  [
    j(
      'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=',
      'a'.repeat(20),
      'Zm9vYmFyYmF6cXV4',
      '+/==;',
    ),
    'azure-key',
  ],
  [
    j(
      'Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=x;SharedAccessKey=',
      'k7Q2dW9pL0sXvR3mN8bT1yU6eA5cZ4hJ=',
    ),
    'azure-key',
  ],
  [j('abc', '8Q~', 'yJ3nVx4Lq0pW2sR7tK9mB1cD5fG6hZ8aEo'), 'azure-client-secret'],
  [j('ghp', '_', 'aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789'), 'github-token'],
  [j('gho', '_', '16C7e42F292c6912E7710c838347Ae178B4a'), 'github-token'],
  [j('ghu', '_', 'xRt9PqL3mN8bT1yU6eA5cZ4hJ2wK7dF0sG3v'), 'github-token'],
  [j('ghs', '_', 'Zk2Lp9Qr4St6Uv8Wx0Yz1Ab3Cd5Ef7Gh9Ij0'), 'github-token'],
  [
    j('ghr', '_', '1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498'),
    'github-token',
  ],
  [
    j(
      'github',
      '_pat_',
      '11ABCDEFG0123456789abc_',
      'defGHIJKLmnopQRSTuvwxYZ0123456789abcdefGHIJKLmnopQRSTuvw',
    ),
    'github-token',
  ],
  [j('glpat', '-', 'xXxY7z8Q9rT5uV2wB3nM'), 'gitlab-token'],
  [j('xoxb', '-', '123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'), 'slack-token'],
  [j('xoxp', '-', '123456789012-123456789012-123456789012-0123456789abcdef0123456789abcdef'), 'slack-token'],
  [j('https://hooks.slack.com/services/', 'T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX'), 'slack-webhook'],
  [j('sk', '_live_', '4eC39HqLyjWDarjtT1zdp7dc'), 'stripe-key'],
  [j('rk', '_live_', '51H8x2bCdEfGhIjKlMnOpQr'), 'stripe-key'],
  [j('sk', '_test_', '51H8x2bCdEfGhIjKlMnOpQrStUv'), 'stripe-key'],
  [j('sk-', 'proj-', 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z_Ab3dEf6hIj9kL'), 'openai-key'],
  [j('sk-', 'T3BlbkFJ', 'aBcDeFgHiJkLmNoPqRsTuVwXyZ012345'), 'openai-key'],
  [
    j('sk-ant-', 'api03-', 'Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0EdCbA_zx9yw8vu7ts6rq5po4nm3lk2jh1gf0edcba-AAAA'),
    'anthropic-key',
  ],
  [
    j(
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
      '.',
      'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0',
      '.',
      'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    ),
    'jwt',
  ],
  [
    j(
      '-----BEGIN ',
      'RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq98F2b\nq0L1k2m3n4o5p6\n-----END RSA ',
      'PRIVATE KEY-----',
    ),
    'private-key',
  ],
  [
    j(
      '-----BEGIN ',
      'PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END ',
      'PRIVATE KEY-----',
    ),
    'private-key',
  ],
  [
    j('-----BEGIN ', 'OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ (truncated'),
    'private-key',
  ],
  [j('Authorization: Bearer ', 'k7Q2dW9pL0sXvR3mN8bT1yU6eA5cZ4hJ'), 'bearer'],
  [j('authorization: basic ', 'dXNlcjpodW50ZXIy'), 'basic-auth'],
  [j('postgres://admin:', 'S3cr3tPa55', '@db.internal:5432/app'), 'url-password'],
  [j('https://deploy:', 'tok3n-value', '@git.example.com/repo.git'), 'url-password'],
  [j('wdn', '_', 'k1_7fQ2dW9pL0sXvR3mN8bT1yU6eA5c'), 'warden-key'],
  [j('npm', '_', 'aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789'), 'npm-token'],
  [
    j('SG', '.', 'ngeVfQFYQlKU0ufo8x5d1A', '.', 'TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr'),
    'sendgrid-key',
  ],
  [j('ya29', '.', 'a0AfH6SMBx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1'), 'google-oauth-token'],
  [j('--password=', 'Tr0ub4dor&3x'), 'credential'],
  [j('client_secret: ', 'qW3eR5tY7uI9oP1aS3dF'), 'credential'],
];

const BENIGN: string[] = [
  '123e4567-e89b-12d3-a456-426614174000',
  'f47ac10b-58cc-4372-a567-0e02b2c3d479',
  'e83c5163316f89bfbde7d9ab23ca2e25604af290',
  'commit 9fceb02d0ae598e95dc970b74767f19372d61af8 on main',
  Buffer.from('The quick brown fox jumps over the lazy dog').toString('base64'),
  Buffer.from('hello world, this is an ordinary sentence').toString('base64'),
  'https://example.com/path/to/page?query=1&x=y#frag',
  'https://user@example.com/repo.git',
  'ssh://git@github.com:22/org/repo.git',
  'The bearer of this letter is a friend; treat them kindly.',
  'Passwords should be long, and secrets should be rotated every year.',
  'Use a token bucket to rate-limit the API; the key idea is fairness.',
  '/home/alice/projects/warden/src/audit/redact.ts',
  'C:\\Users\\bob\\Documents\\report-2024.docx',
  './workspace/data/keys/README.md',
  'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
  'skip-the-first-step and sk-short',
  'The ghost_ship sailed at 10:42; task-1234 closed.',
  'price: 42.50 USD, quantity: 7, sku: AB-12345-XY',
  'eyes on the prize; ey J is not a JWT',
  'Bearer tokens are described in RFC 6750.',
  'password: ******** (hidden)',
  'mailto:someone@example.org',
  'x'.repeat(300),
];

describe('createRedactor', () => {
  const redactor = createRedactor();

  it('has a corpus of at least 30 fake secrets', () => {
    expect(SECRETS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(SECRETS)('masks %s', (secret, kind) => {
    const out = redactor.redactText(`before ${secret} after`);
    expect(out).toContain(`[REDACTED:${kind}]`);
    expect(out.startsWith('before ')).toBe(true);
    const core = secret.replace(/^.*?[:=]\s*"?/, '');
    expect(out).not.toContain(core.slice(0, 24) === secret.slice(0, 24) ? secret : core);
  });

  it.each(BENIGN)('leaves benign text untouched: %s', (text) => {
    expect(redactor.redactText(text)).toBe(text);
  });

  it('keeps the label around bearer tokens and URL passwords', () => {
    expect(redactor.redactText(j('Authorization: Bearer ', 'abcDEF1234567890xyz'))).toBe(
      'Authorization: Bearer [REDACTED:bearer]',
    );
    expect(redactor.redactText(j('redis://cache:', 'p4ssw0rd-x', '@10.0.0.5:6379'))).toBe(
      'redis://cache:[REDACTED:url-password]@10.0.0.5:6379',
    );
  });

  it('masks values under key-like names and leaves ordinary fields alone', () => {
    const input = {
      user: 'alice',
      password: 'hunter2',
      nested: { apiKey: 'Zx9Yw8Vu7Ts6Rq5Po4Nm', token: 'short', tokenType: 'Bearer', maxTokens: 4096 },
      headers: { Authorization: j('Bearer ', 'k7Q2dW9pL0sXvR3mN8bT1yU6') },
      list: [{ client_secret: 'a' }, 'plain', j('AKIA', 'IOSFODNN7EXAMPLE')],
      empty: { password: '' },
      flag: true,
      nothing: null,
    };
    expect(redactor.redactValue(input)).toEqual({
      user: 'alice',
      password: '[REDACTED:field]',
      nested: { apiKey: '[REDACTED:field]', token: 'short', tokenType: 'Bearer', maxTokens: 4096 },
      headers: { Authorization: 'Bearer [REDACTED:bearer]' },
      list: [{ client_secret: '[REDACTED:field]' }, 'plain', '[REDACTED:aws-access-key]'],
      empty: { password: '' },
      flag: true,
      nothing: null,
    });
  });

  it('returns a new value and never mutates its input', () => {
    const input = { a: { password: 'x1y2z3w4' }, b: [1, 2] };
    const snapshot = structuredClone(input);
    const out = redactor.redactValue(input) as { a: unknown; b: unknown };
    expect(input).toEqual(snapshot);
    expect(out.a).not.toBe(input.a);
    expect(out.b).not.toBe(input.b);
  });

  it('reports whether anything was masked', () => {
    expect(redactor.redactValueReport({ a: 'plain', n: 1 })).toEqual({
      value: { a: 'plain', n: 1 },
      changed: false,
    });
    expect(redactor.redactValueReport({ password: 'x' })).toEqual({
      value: { password: '[REDACTED:field]' },
      changed: true,
    });
    expect(redactor.redactValueReport([j('AKIA', 'IOSFODNN7EXAMPLE')])).toEqual({
      value: ['[REDACTED:aws-access-key]'],
      changed: true,
    });
  });

  it('masks secrets used as object keys', () => {
    const key = j('ghp', '_', 'aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789');
    expect(redactor.redactValue({ [key]: 1 })).toEqual({ '[REDACTED:github-token]': 1 });
  });

  it('keeps a "__proto__" key and masks what is under it, so arguments cannot hide from the audit record', () => {
    // JSON.parse makes "__proto__" an own key; copied by assignment it would replace the copy's prototype instead.
    const note = j('token ghp', '_', 'aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789');
    const args: unknown = JSON.parse(
      JSON.stringify({ a: 1 }).replace('{', `{"__proto__":{"password":"hunter2","note":"${note}"},`),
    );
    const { value, changed } = redactor.redactValueReport(args);
    expect(changed).toBe(true);
    expect(JSON.stringify(value)).toBe(
      '{"__proto__":{"password":"[REDACTED:field]","note":"token [REDACTED:github-token]"},"a":1}',
    );
    expect(Object.getPrototypeOf(value)).toBeNull();
  });

  it('survives hostile nesting without overflowing the stack', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(() => redactor.redactValue(deep)).not.toThrow();
  });

  it('applies configured patterns and rejects invalid ones with CONFIG_INVALID', () => {
    const custom = createRedactor({ patterns: ['ACME-[0-9]{6}'] });
    expect(custom.redactText('id ACME-123456 ok')).toBe('id [REDACTED:pattern] ok');
    let caught: unknown;
    try {
      createRedactor({ patterns: ['('] });
    } catch (error) {
      caught = error;
    }
    expect(isWardenError(caught, 'CONFIG_INVALID')).toBe(true);
  });

  it.each([
    [
      'a URL with a password and no user',
      j('redis://:', 'S3cretPassw0rd', '@cache:6379'),
      'redis://:[REDACTED:url-password]@cache:6379',
    ],
    [
      'a scheme with an underscore',
      j('my_scheme://deploy:', 'S3cretPassw0rd', '@host'),
      'my_scheme://deploy:[REDACTED:url-password]@host',
    ],
    ['an env-style password', j('DB_PASSWORD=', 'hunter2hunter2'), 'DB_PASSWORD=[REDACTED:credential]'],
    [
      'an env-style short password name',
      j('MYSQL_PWD=', 'hunter2hunter2'),
      'MYSQL_PWD=[REDACTED:credential]',
    ],
    [
      'an env-style token',
      j('GITHUB_TOKEN=', '0123456789abcdef0123456789abcdef01234567'),
      'GITHUB_TOKEN=[REDACTED:credential]',
    ],
    [
      'Basic credentials without a header name',
      j('Basic ', 'dXNlcjpodW50ZXIy'),
      'Basic [REDACTED:basic-auth]',
    ],
    [
      'a JWT wrapped over lines',
      j(
        'eyJhbGciOiJIUzI1NiJ9',
        '.\n',
        'eyJzdWIiOiIxMjM0NTY3ODkwIn0',
        '.\n',
        'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      ),
      '[REDACTED:jwt]',
    ],
  ])('masks %s', (_name, input, expected) => {
    expect(redactor.redactText(input)).toBe(expected);
  });

  it('leaves "Basic" prose alone: only text that decodes to user:password is masked', () => {
    for (const prose of ['Basic setup of the server', 'basic auth is weak', 'Basic QUJDREVGR0g=']) {
      expect(redactor.redactText(prose)).toBe(prose);
    }
  });

  it('masks credentials in headers objects, [name, value] pairs and argv options', () => {
    const basic = j('Basic ', 'dXNlcjpodW50ZXIy');
    expect(
      redactor.redactValue({
        headers: { authorization: basic, 'X-Trace': 'abc' },
        har: [{ name: 'Authorization', value: basic }],
        pairs: [['Proxy-Authorization', basic]],
        drf: { Authorization: j('Token ', '9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b') },
        args: ['-u', 'root', '--password', 'hunter2', '--api-key', 'Zx9Yw8Vu7Ts6Rq5Po4Nm', '--verbose', 'x'],
      }),
    ).toEqual({
      headers: { authorization: 'Basic [REDACTED:basic-auth]', 'X-Trace': 'abc' },
      har: [{ name: 'Authorization', value: 'Basic [REDACTED:basic-auth]' }],
      pairs: [['Proxy-Authorization', 'Basic [REDACTED:basic-auth]']],
      drf: { Authorization: '[REDACTED:field]' },
      args: [
        '-u',
        'root',
        '--password',
        '[REDACTED:field]',
        '--api-key',
        '[REDACTED:field]',
        '--verbose',
        'x',
      ],
    });
  });

  it('refuses configured patterns that backtrack catastrophically with CONFIG_INVALID', () => {
    for (const pattern of ['(a+)+$', '(a|aa)+b', '(x)\\1']) {
      let caught: unknown;
      try {
        createRedactor({ patterns: [pattern] });
      } catch (error) {
        caught = error;
      }
      expect(isWardenError(caught, 'CONFIG_INVALID'), pattern).toBe(true);
    }
  });

  it('computes Shannon entropy per character', () => {
    expect(shannonBitsPerChar('aaaa')).toBe(0);
    expect(shannonBitsPerChar('abcd')).toBe(2);
  });

  it.each([
    ['bearer run', 'Bearer ' + 'a'.repeat(200_000)],
    ['url without @', 'x://' + 'b:'.repeat(100_000)],
    ['jwt prefix run', 'eyJ' + 'a'.repeat(100_000) + '.eyJ' + 'a'.repeat(100_000)],
    ['key-like run', 'password='.repeat(20_000)],
    ['sk- run', 'sk-'.repeat(60_000)],
    ['secret key run', 'aws_secret_access_key='.repeat(10_000)],
    ['scheme run', 'a://'.repeat(50_000)],
  ])('handles a hostile %s in linear time', (_name, text) => {
    const start = performance.now();
    redactor.redactText(text);
    expect(performance.now() - start).toBeLessThan(1_500);
  });

  // Each was quadratic or worse under an earlier pattern; 1 MB is what one argument may carry.
  it.each([
    ['run of scheme characters before "://"', `${'a-'.repeat(500_000)}://`],
    ['run of scheme characters with "+" and "."', `://${'a+b.'.repeat(250_000)}@`],
    ['run of "Basic" words', 'Basic '.repeat(170_000)],
    ['run of env-style names', 'DB_PASSWORD '.repeat(85_000)],
    ['JWT-like segments with spaces', 'eyJaaaaaaaaa . '.repeat(70_000)],
  ])('masks 1 MB of a hostile %s in under 1.5 s (it once took minutes)', (_name, text) => {
    const start = performance.now();
    redactor.redactText(text);
    redactor.redactValue({ Authorization: text, args: ['--password', text] });
    expect(performance.now() - start).toBeLessThan(1500);
  });

  it('redacts 10,000 typical argument objects quickly', () => {
    const args = {
      path: '/workspace/notes/today.md',
      content: 'Meeting notes: ship the audit log. '.repeat(20),
      mode: 'w',
    };
    const start = performance.now();
    for (let i = 0; i < 10_000; i++) redactor.redactValue(args);
    expect(performance.now() - start).toBeLessThan(2_000);
  });
});
