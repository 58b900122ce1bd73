/**
 * Programs that run other programs or code, or hand control to a user interface, and so cannot be allowlisted:
 * interpreters, shells, wrappers, privilege tools, debuggers, pagers, editors, build tools and package runners.
 */
const REFUSED = new Set(
  (
    'sh bash dash zsh ksh mksh csh tcsh fish ash busybox toybox rbash ' +
    'awk gawk mawk nawk perl python pypy ruby irb node nodejs deno bun php lua luajit tclsh wish expect guile ' +
    'Rscript R julia ghci runghc ocaml scala groovy jshell java osascript pwsh powershell ' +
    'env xargs timeout nice ionice nohup setsid stdbuf flock sudo su doas pkexec chroot unshare nsenter runuser ' +
    'strace ltrace gdb lldb valgrind taskset chrt prlimit setarch linux32 linux64 script watch time parallel ' +
    'systemd-run capsh fakeroot firejail bwrap docker podman kubectl ' +
    'less more most pager man-db view vi vim nvim ex ed emacs nano pico joe mcedit sensible-editor editor ' +
    'sensible-pager sensible-browser xdg-open w3m lynx links ' +
    'make gmake cmake ninja npm npx pnpm yarn pip pipx cargo go gradle mvn ant rake bundle gem ' +
    'crontab at batch ssh-agent install dd'
  ).split(' '),
);

/** Trailing version markers (`python3.12`, `perl5.36`, `gawk-5`) that must not slip past the refused list. */
const VERSION_SUFFIX = /[-.]?\d+(?:[.-]\d+)*$/;

/** Debian alternatives flavours (`vim.basic`, `vim.tiny`, `nc.openbsd`): /usr/bin/vimdiff resolves to vim.basic. */
const FLAVOUR_SUFFIX = /\.[A-Za-z][^.]*$/;

/** True when `name` (a configured program name or the basename of its resolved binary) must never run. */
export function isRefusedProgram(name: string): boolean {
  const base = name.toLowerCase();
  const plain = base.replace(FLAVOUR_SUFFIX, '');
  return [base, plain].some((n) => REFUSED.has(n) || REFUSED.has(n.replace(VERSION_SUFFIX, '')));
}
