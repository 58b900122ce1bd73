import { dirname } from 'node:path';
import { WardenError } from '../../errors/index.js';

/** The only PATH a command ever sees, and the only directories programs are resolved from. */
export const SHELL_SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';

/** Variables that change how programs load code or run helpers; config.env may not set them either. */
const FORBIDDEN_ENV =
  /^(LD_|DYLD_|GIT_|PWD$|HOME$|BASH_ENV$|ENV$|PATH$|IFS$|SHELLOPTS$|PS4$|PAGER$|MANPAGER$|EDITOR$|VISUAL$|BROWSER$|NODE_|PYTHON|PERL|RUBY|LUA_|TAR_OPTIONS$|GREP_OPTIONS$|GCONV_PATH$|LOCPATH$|MALLOC_|GLIBC_TUNABLES$|WARDEN_)/;

/** Refuses (CONFIG_INVALID) configured variables that could load code or reach Warden's own settings. */
export function checkConfiguredEnv(env: Readonly<Record<string, string>>): void {
  for (const name of Object.keys(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || FORBIDDEN_ENV.test(name)) {
      throw new WardenError('CONFIG_INVALID', `builtins.shell.env.${name.slice(0, 64)} is not allowed`);
    }
  }
}

/** Where a command runs: its private HOME, its working directory and the roots. */
export interface ChildPlace {
  home: string;
  cwd: string;
  roots: readonly string[];
}

/** The complete environment of a command: fixed PATH and locale, pager and git hardening, plus config.env. */
export function buildChildEnv(
  configured: Readonly<Record<string, string>>,
  place: ChildPlace,
): Record<string, string> {
  return {
    ...configured,
    PATH: SHELL_SYSTEM_PATH,
    HOME: place.home,
    PWD: place.cwd,
    // Repository discovery must stop at the roots: a .git above them would expose files outside.
    GIT_CEILING_DIRECTORIES: place.roots.map((root) => dirname(root)).join(':'),
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    PAGER: 'cat',
    GIT_PAGER: 'cat',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
  };
}
