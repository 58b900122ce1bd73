// Bundles the compiled CLI (dist/) into dist/bundle/ with esbuild, so that `warden serve` loads a handful of
// files instead of several hundred modules (start-up, target B5). Lazily loaded parts stay lazy: they become
// chunks that load on first use. Worker entries are bundled beside the CLI, where `new URL('./<entry>.js',
// import.meta.url)` finds them. Packages with native code or WebAssembly that they locate on disk stay external.
//   node scripts/bundle.mjs   (run by `npm run build` after tsc)
import { chmodSync, rmSync } from 'node:fs';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = (path) => fileURLToPath(new URL(`../dist/${path}`, import.meta.url));
const outdir = dist('bundle');

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: {
    warden: dist('cli/main.js'),
    'checkpoint-worker': dist('audit/checkpoint-worker.js'),
    'verify-worker': dist('audit/verify-worker.js'),
    'eval-worker': dist('tools/js/eval-worker.js'),
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // better-sqlite3 loads its native addon, quickjs-emscripten its WebAssembly file, each from its own folder.
  external: ['better-sqlite3', 'quickjs-emscripten', '@jitl/*'],
  // CommonJS packages inside an ES module bundle still call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __wardenCreateRequire } from 'node:module'; const require = __wardenCreateRequire(import.meta.url);",
  },
  chunkNames: 'chunk-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(`${outdir}/warden.js`, 0o755);
process.stdout.write(`bundled dist/bundle/warden.js\n`);
