import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile, access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** The worker entries of the audit log. */
export type AuditWorkerEntry = 'checkpoint-worker' | 'verify-worker';

const sourceBundles = new Map<AuditWorkerEntry, Promise<URL>>();

/**
 * Starts an audit worker thread. From compiled JS (dist/) the worker is the sibling `<entry>.js`. When this
 * module runs from TypeScript sources (vitest), a worker thread cannot load `.ts`, so the entry is bundled once
 * per process with esbuild (always present beside vitest, as vite's compiler) into node_modules/.cache, its
 * dependencies left external so the real better-sqlite3 loads.
 */
export async function startAuditWorker(entry: AuditWorkerEntry, workerData: unknown): Promise<Worker> {
  const url = import.meta.url.endsWith('.ts')
    ? await bundleFromSource(entry)
    : new URL(`./${entry}.js`, import.meta.url);
  // No inherited node flags: some are invalid in workers (--expose-gc) or stop a file-based worker loading
  // (--input-type from `node -e`), and the writer needs none.
  // A small young generation keeps the thread's heap (and so the process's RSS) flat under sustained load.
  return new Worker(url, { workerData, execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 4 } });
}

function bundleFromSource(entry: AuditWorkerEntry): Promise<URL> {
  let bundle = sourceBundles.get(entry);
  if (bundle === undefined) {
    bundle = buildBundle(entry);
    sourceBundles.set(entry, bundle);
  }
  return bundle;
}

async function buildBundle(entry: AuditWorkerEntry): Promise<URL> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL(`./${entry}.ts`, import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  const digest = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const dir = new URL('../../node_modules/.cache/warden-audit/', import.meta.url);
  const file = new URL(`${entry}-${digest}.mjs`, dir);
  try {
    await access(file);
  } catch {
    await mkdir(dir, { recursive: true });
    // Write then rename: test files run in parallel processes and must never see half a bundle.
    const temp = new URL(`${entry}-${digest}.${process.pid}.tmp`, dir);
    await writeFile(temp, code);
    await rename(temp, file);
  }
  return file;
}
