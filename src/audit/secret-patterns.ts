/** One known secret format: a global regex, the kind named in the mask, and cheap hints that gate the regex. */
export interface SecretPattern {
  readonly kind: string;
  /** Must carry the `g` flag. When `keep` is set, group 1 is kept verbatim and the rest of the match is masked. */
  readonly regex: RegExp;
  /** Lower-case substrings; the regex runs only when the lower-cased text contains one of them. */
  readonly hints: readonly string[];
  /** Keep group 1 (a label such as `Bearer ` or `user:`) and mask the remainder. */
  readonly keep?: boolean;
  /** Extra test on the masked part; false leaves the match alone (cuts false positives on prose). */
  readonly accept?: (secret: string) => boolean;
}

const notProse = (s: string): boolean => /[0-9+/=._~-]/.test(s) || s.length >= 24;
/** Longest base64 text decoded to test for Basic credentials; real ones are far shorter. */
const MAX_BASIC_CREDENTIALS_CHARS = 1024;

/** True when base64 text decodes to printable `user:password` (RFC 7617), the shape of Basic credentials. */
const decodesToUserPass = (s: string): boolean => {
  if (s.length > MAX_BASIC_CREDENTIALS_CHARS) return false;
  const text = Buffer.from(s, 'base64').toString('utf8');
  // eslint-disable-next-line no-control-regex -- control characters and U+FFFD mean binary, not credentials
  return text.includes(':') && !/[\u0000-\u001f\u007f\ufffd]/.test(text);
};
const notPlaceholder = (s: string): boolean =>
  !/^(?:\[REDACTED:.*|\*+|x+|\.+|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|redacted|changeme|password|null|none|undefined)$/i.test(
    s,
  );

/**
 * The built-in secret formats, most specific first (a later pattern never sees text an earlier one masked,
 * because masks contain no secret-shaped characters).
 */
export const SECRET_PATTERNS: readonly SecretPattern[] = [
  {
    kind: 'private-key',
    regex:
      /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g,
    hints: ['private key'],
  },
  {
    kind: 'jwt',
    // Whitespace around the dots: a token wrapped over lines is still the token.
    regex: /(?<![A-Za-z0-9])eyJ[A-Za-z0-9_-]{8,}\s*\.\s*eyJ[A-Za-z0-9_-]{8,}\s*\.\s*[A-Za-z0-9_-]{8,}/g,
    hints: ['eyj'],
  },
  {
    kind: 'aws-access-key',
    regex: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])/g,
    hints: ['akia', 'asia', 'abia', 'acca', 'a3t'],
  },
  {
    kind: 'aws-secret-key',
    regex: /((?:aws_?)?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?)([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    hints: ['secret'],
    keep: true,
  },
  { kind: 'gcp-api-key', regex: /(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, hints: ['aiza'] },
  {
    kind: 'azure-key',
    regex: /((?:AccountKey|SharedAccessKey|SharedAccessSignature)=)([A-Za-z0-9+/=%]{20,})/g,
    hints: ['accountkey', 'sharedaccess'],
    keep: true,
  },
  {
    kind: 'azure-client-secret',
    regex: /\b[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g,
    hints: ['q~'],
  },
  {
    kind: 'github-token',
    regex: /(?<![A-Za-z0-9])gh[pousr]_[A-Za-z0-9]{36,255}(?![A-Za-z0-9])/g,
    hints: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
  },
  { kind: 'github-token', regex: /(?<![A-Za-z0-9])github_pat_[A-Za-z0-9_]{22,255}/g, hints: ['github_pat_'] },
  { kind: 'gitlab-token', regex: /(?<![A-Za-z0-9])glpat-[A-Za-z0-9_-]{20,}/g, hints: ['glpat-'] },
  { kind: 'slack-token', regex: /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}/g, hints: ['xox'] },
  {
    kind: 'slack-webhook',
    regex: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/_-]{8,}/g,
    hints: ['hooks.slack.com'],
  },
  { kind: 'stripe-key', regex: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g, hints: ['_live_', '_test_'] },
  { kind: 'anthropic-key', regex: /(?<![A-Za-z0-9])sk-ant-[A-Za-z0-9_-]{20,}/g, hints: ['sk-ant-'] },
  { kind: 'openai-key', regex: /\bsk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}/g, hints: ['sk-'] },
  { kind: 'warden-key', regex: /(?<![A-Za-z0-9])wdn_[A-Za-z0-9_-]{16,}/g, hints: ['wdn_'] },
  { kind: 'npm-token', regex: /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g, hints: ['npm_'] },
  { kind: 'sendgrid-key', regex: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g, hints: ['sg.'] },
  { kind: 'google-oauth-token', regex: /(?<![A-Za-z0-9])ya29\.[A-Za-z0-9_-]{20,}/g, hints: ['ya29.'] },
  {
    kind: 'bearer',
    regex: /\b(Bearer\s+)([A-Za-z0-9._~+/-]{16,}=*)/gi,
    hints: ['bearer'],
    keep: true,
    accept: notProse,
  },
  {
    kind: 'basic-auth',
    regex: /(Authorization["']?\s*[:=]\s*["']?Basic\s+)([A-Za-z0-9+/]{4,}={0,2})/gi,
    hints: ['basic'],
    keep: true,
  },
  {
    // Without a header name (a headers object, a HAR entry, a [name, value] pair): Basic credentials are known by
    // what they decode to, `user:password`, which prose such as "Basic setup" never does.
    kind: 'basic-auth',
    regex: /(?<![A-Za-z0-9])(Basic\s+)([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/gi,
    hints: ['basic'],
    keep: true,
    accept: decodesToUserPass,
  },
  {
    // Starts at "://", not at the scheme: a scheme-first pattern was retried at every "+", "." or "-" of a long
    // run such as "a-a-a-…" and took minutes on 1 MB; it also missed "redis://:pw@" (no user) and "my_scheme://".
    // The scheme stays in the text because it is not part of the match.
    kind: 'url-password',
    regex: /(:\/\/[^\s:/?#@'"]*:)([^\s/?#@'"]+)(?=@)/g,
    hints: ['://'],
    keep: true,
    accept: notPlaceholder,
  },
  {
    kind: 'credential',
    regex:
      // Not \b: an underscore is a word character, and DB_PASSWORD=, MYSQL_PWD= or GITHUB_TOKEN= must count.
      /((?<![A-Za-z0-9])(?:password|passwd|passphrase|pwd|secret|token|client_?secret|api_?key|apikey|access_?token|auth_?token|secret_?key|private_?key)["']?\s*[:=]\s*["']?)([^\s"'&,;]{6,})/gi,
    hints: ['pass', 'pwd', 'secret', 'key', 'token'],
    keep: true,
    accept: notPlaceholder,
  },
];
