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

const RULES: readonly Rule[] = [
  listenAddressIsValid,
  noAuthOnlyOnLoopback,
  jwtNeedsSettings,
  unpinnedNpx,
  shellNeedsRoots,
  unambiguousPrefixes,
];

/** Runs every rule and returns all problems at once. */
export function checkConfigRules(config: WardenConfig): ConfigProblem[] {
  return RULES.flatMap((rule) => rule(config));
}
