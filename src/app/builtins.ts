import type { WardenConfig } from '../config/index.js';
import type { ToolFamily } from '../tools/types.js';

/**
 * Creates the configured built-in tool families. Each family's module is imported only when configured, so that
 * an unused family (QuickJS, for one) costs nothing at start-up.
 */
export async function createBuiltins(config: WardenConfig): Promise<ToolFamily[]> {
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
    families.push(import('../tools/shell/index.js').then((m) => m.createShellTools(shell, fsRoots ? { baseDir, fsRoots: [...fsRoots] } : { baseDir })));
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
  return Promise.all(families);
}
