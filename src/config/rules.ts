import { isIP } from 'node:net';
import { allowEntryProblem } from '../net/allow-list.js';
import { isLocalhostName } from '../net/localhost.js';
import { isStdioUpstream, type WardenConfig } from './schema.js';
import { isLoopbackHost, parseListenAddress } from './listen-address.js';

/** One problem found by a config rule, located by its key path. */
export interface ConfigProblem {
  path: (string | number)[];
  message: string;
  severity: 'error' | 'warning';
}

type Rule = (config: WardenConfig) => ConfigProblem[];

const listenAddressIsValid: Rule = (config) =>
  parseListenAddress(config.listen.http)
    ? []
    : [{ path: ['listen', 'http'], message: 'must be host:port, e.g. 127.0.0.1:8787', severity: 'error' }];

const noAuthOnlyOnLoopback: Rule = (config) => {
  const address = parseListenAddress(config.listen.http);
  if (config.auth.mode !== 'none' || !address || isLoopbackHost(address.host)) return [];
  return [
    {
      path: ['auth', 'mode'],
      message: 'auth.mode none is allowed only on a loopback listener or stdio',
      severity: 'error',
    },
  ];
};

const jwtNeedsSettings: Rule = (config) =>
  config.auth.mode === 'jwt' && !config.auth.jwt
    ? [{ path: ['auth', 'jwt'], message: 'auth.mode jwt needs auth.jwt settings', severity: 'error' }]
    : [];

/** `name@1.2.3` (with an optional pre-release): a range such as `^1.2.3`, `1`, `1.x` or a tag still moves. */
const EXACT_VERSION = /@\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

const unpinnedNpx: Rule = (config) => {
  const problems: ConfigProblem[] = [];
  for (const [name, upstream] of Object.entries(config.upstreams)) {
    if (!isStdioUpstream(upstream) || !/(^|\/)npx$/.test(upstream.command)) continue;
    const pkg = upstream.args.find((a) => !a.startsWith('-'));
    if (pkg && !EXACT_VERSION.test(pkg.replace(/^@/, ''))) {
      problems.push({
        path: ['upstreams', name, 'args'],
        message: `npx package "${pkg}" has no pinned version; a new release could change what runs`,
        severity: 'warning',
      });
    }
  }
  return problems;
};

const shellNeedsRoots: Rule = (config) =>
  config.builtins.shell && !config.builtins.shell.cwd && !config.builtins.shell.roots && !config.builtins.fs
    ? [
        {
          path: ['builtins', 'shell'],
          message: 'shell needs cwd, roots, or builtins.fs roots to confine commands',
          severity: 'error',
        },
      ]
    : [];

/**
 * Prefixed tool names, `<upstream>__<tool>`, must split one way only. Were upstream `a__b` (or `a_`) allowed,
 * upstream `a` could list a tool `b__x` (or `_x`) and so reach the final name and the policy globs meant for it.
 */
const unambiguousPrefixes: Rule = (config) =>
  Object.entries(config.upstreams)
    .filter(([name, upstream]) => upstream.prefix && (name.includes('__') || name.endsWith('_')))
    .map(([name]) => ({
      path: ['upstreams', name],
      message:
        'a prefixed upstream’s name may not contain "__" or end with "_": its tool names would be ambiguous',
      severity: 'error',
    }));

/** True when a URL's host is connected to as written: an address literal or localhost, never a DNS answer. */
function namesAnAddress(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return isIP(host) !== 0 || isLocalhostName(host);
}

/**
 * `upstreams.<name>.allow` lists addresses and CIDR blocks only: a name there would trust whatever its DNS answers,
 * which is the rebinding hole the setting closes. On a URL with an address, the list has nothing to decide.
 */
const upstreamAllowLists: Rule = (config) => {
  const problems: ConfigProblem[] = [];
  for (const [name, upstream] of Object.entries(config.upstreams)) {
    if (isStdioUpstream(upstream)) continue;
    upstream.allow.forEach((entry, index) => {
      const problem = allowEntryProblem(entry, { names: false });
      if (problem !== undefined)
        problems.push({ path: ['upstreams', name, 'allow', index], message: problem, severity: 'error' });
    });
    if (upstream.allow.length > 0 && namesAnAddress(upstream.url)) {
      problems.push({
        path: ['upstreams', name, 'allow'],
        message: 'has no effect: the url names an address (or localhost), which is connected to as written',
        severity: 'warning',
      });
    }
  }
  return problems;
};

const RULES: readonly Rule[] = [
  listenAddressIsValid,
  noAuthOnlyOnLoopback,
  jwtNeedsSettings,
  unpinnedNpx,
  shellNeedsRoots,
  unambiguousPrefixes,
  upstreamAllowLists,
];

/** Runs every rule and returns all problems at once. */
export function checkConfigRules(config: WardenConfig): ConfigProblem[] {
  return RULES.flatMap((rule) => rule(config));
}
