// Reads V8 .cpuprofile files (node --cpu-prof) and lists the functions with the most self time.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { ROOT } from './paths.mjs';

export const TOP_FUNCTIONS = 25;

/** Self-time shares of busy (non-idle) time per function (name + file:line) of one profile, largest first. */
export function summariseProfile(profile, top = TOP_FUNCTIONS) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfTicks = new Map();
  for (const id of profile.samples ?? []) selfTicks.set(id, (selfTicks.get(id) ?? 0) + 1);
  const totals = new Map();
  let all = 0;
  for (const [id, ticks] of selfTicks) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const fn = frame.functionName || '(anonymous)';
    const where = frame.url ? `${frame.url.replace(`file://${ROOT}`, '')}:${frame.lineNumber + 1}` : '';
    // Shares are of busy time: idle ticks would only dilute them (Warden idles between load points).
    if (fn === '(idle)') continue;
    const key = `${fn}\u0000${where}`;
    totals.set(key, (totals.get(key) ?? 0) + ticks);
    all += ticks;
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, ticks]) => {
      const [fn, where] = key.split('\u0000');
      return { fn, where, selfPct: (ticks / all) * 100 };
    });
}

/** Summarises every .cpuprofile in `dir` (none when it does not exist). */
export function summariseProfiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => ({
      file: `${dir}/${f}`,
      top: summariseProfile(JSON.parse(readFileSync(`${dir}/${f}`, 'utf8'))),
    }));
}
