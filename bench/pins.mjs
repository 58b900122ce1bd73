// Pinning cost of large listings (B6 context): trust-on-first-use pinning of U upstreams × T tools into a fresh
// embedded store, then a re-check of the same listings (the path of every tools/list_changed), against dist/.
//   node bench/pins.mjs [--upstreams 100] [--tools 50]
// Prints one JSON line: milliseconds for the first pinning and for the re-check, and per tool.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import console from 'node:console';
import { URL } from 'node:url';

const DIST = new URL('../dist/', import.meta.url);
const { createPinning } = await import(new URL('pinning/index.js', DIST).href);
const { openSqlitePinStore } = await import(new URL('store/sqlite/pins.js', DIST).href);

const { values } = parseArgs({
  options: { upstreams: { type: 'string', default: '100' }, tools: { type: 'string', default: '50' } },
});
const upstreams = Number(values.upstreams);
const toolsEach = Number(values.tools);
const tools = Array.from({ length: toolsEach }, (_, i) => ({
  name: `tool_${i}`,
  description: `Echoes its message (tool ${i}).`,
  inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
  annotations: { readOnlyHint: true },
}));

const dir = mkdtempSync(join(tmpdir(), 'warden-pins-bench-'));
const store = openSqlitePinStore(join(dir, 'warden.db'));
try {
  const pinning = createPinning({ store, mode: 'tofu' });
  const timeAll = () => {
    const t0 = performance.now();
    for (let u = 0; u < upstreams; u++) pinning.check(`u${u}`, tools);
    return performance.now() - t0;
  };
  const firstMs = timeAll();
  const recheckMs = timeAll();
  const n = upstreams * toolsEach;
  console.log(
    JSON.stringify({
      target: 'pins',
      tools: n,
      firstPinMs: Math.round(firstMs),
      firstPinMicrosPerTool: Math.round((firstMs / n) * 1000),
      recheckMs: Math.round(recheckMs),
      recheckMicrosPerTool: Math.round((recheckMs / n) * 1000),
    }),
  );
} finally {
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode ??= 0;
