import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// Hooks for running the worker from TypeScript sources (tests, development): `.js` imports fall back to the
// `.ts` file beside them, which esbuild (a development dependency) strips of types. Built code never uses them.
function sourceHooks(esbuildPath: string): string {
  return `
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
const esbuild = createRequire(${JSON.stringify(esbuildPath)})(${JSON.stringify(esbuildPath)});
export async function resolve(specifier, context, next) {
  try { return await next(specifier, context); } catch (error) {
    if (specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) return next(specifier.slice(0, -3) + '.ts', context);
    throw error;
  }
}
export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const source = await readFile(fileURLToPath(url), 'utf8');
  const { code } = esbuild.transformSync(source, { loader: 'ts', format: 'esm', target: 'node20' });
  return { format: 'module', source: code, shortCircuit: true };
}`;
}

function dataUrl(source: string): URL {
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`);
}

/** The module a worker thread runs: the compiled `eval-worker.js`, or a loader for `eval-worker.ts` in sources. */
export function evalWorkerEntry(): URL {
  const compiled = new URL('./eval-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return compiled;
  const source = new URL('./eval-worker.ts', import.meta.url);
  const esbuildPath = createRequire(import.meta.url).resolve('esbuild');
  const hooks = dataUrl(sourceHooks(esbuildPath)).href;
  return dataUrl(
    `import { register } from 'node:module'; register(${JSON.stringify(hooks)}); await import(${JSON.stringify(source.href)});`,
  );
}
