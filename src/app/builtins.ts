import type { WardenConfig } from '../config/index.js';
import type { ToolFamily } from '../tools/types.js';

/**
 * Creates the configured built-in tool families; `track` receives each family that starts, for shutdown. Each family's module is imported only when configured, so that
 * an unused family (QuickJS, for one) costs nothing at start-up.
 */
export async function createBuiltins(
  config: WardenConfig,
  track: (family: ToolFamily) => ToolFamily = (f) => f,
): Promise<ToolFamily[]> {
  const b = config.builtins;
  const baseDir = config.baseDir;
  const families: Array<Promise<ToolFamily>> = [];
  if (b.echo) families.push(import('../tools/echo/index.js').then((m) => m.createEchoTools()));
  if (b.fs) {
    const fs = b.fs;
    families.push(import('../tools/fs/index.js').then((m) => m.createFsTools(fs, { baseDir })));
  }
  if (b.shell) {
    const shell = b.shell;
    const fsRoots = b.fs?.roots;
    families.push(
      import('../tools/shell/index.js').then((m) =>
        m.createShellTools(shell, fsRoots ? { baseDir, fsRoots: [...fsRoots] } : { baseDir }),
      ),
    );
  }
  if (b.http) {
    const http = b.http;
    families.push(import('../tools/http/index.js').then((m) => m.createHttpTools(http)));
  }
  if (b.js) {
    const js = b.js;
    families.push(import('../tools/js/index.js').then((m) => m.createJsTools(js)));
  }
  if (b.osc) {
    const osc = b.osc;
    families.push(import('../tools/osc/index.js').then((m) => m.createOscTools(osc)));
  }
  // Every family that did start is tracked (so it is closed), even when another one failed to start.
  const settled = await Promise.allSettled(families.map((f) => f.then(track)));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<ToolFamily>).value);
}
