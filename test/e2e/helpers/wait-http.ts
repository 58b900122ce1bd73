/** Pause between readiness probes. */
export const POLL_INTERVAL_MS = 100;

/**
 * Polls `GET url` until it answers with `status` (any status when omitted); rejects after `timeoutMs`, or
 * early when `isAlive()` turns false.
 */
export async function waitForHttp(
  url: string,
  options: { readonly timeoutMs: number; readonly status?: number; readonly isAlive?: () => boolean },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (options.isAlive && !options.isAlive()) throw new Error(`process exited while waiting for ${url}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (options.status === undefined || response.status === options.status) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(`${url} not ready after ${options.timeoutMs} ms (${last})`);
}
