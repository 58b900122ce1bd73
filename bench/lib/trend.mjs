// Memory trend arithmetic for soaks: growth between the first and last fifth of samples, and a fitted slope.

function median(values) {
  const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Least-squares slope of y over x; null with fewer than two points. */
export function slope(points) {
  const usable = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (usable.length < 2) return null;
  const meanX = usable.reduce((s, p) => s + p.x, 0) / usable.length;
  const meanY = usable.reduce((s, p) => s + p.y, 0) / usable.length;
  let num = 0;
  let den = 0;
  for (const p of usable) {
    num += (p.x - meanX) * (p.y - meanY);
    den += (p.x - meanX) ** 2;
  }
  return den === 0 ? null : num / den;
}

/**
 * Summarises samples `{ t, value }` (t in seconds since the measured phase began): growth between the medians of
 * the first and last fifths (GC makes single samples noisy), growth of their minima (the post-collection floor),
 * and the slope in bytes per second over all samples and over the second half (a leak, not warm-up, shows there).
 */
export function memoryTrend(samples) {
  const usable = samples.filter((s) => typeof s.value === 'number' && Number.isFinite(s.value));
  if (usable.length < 5) return null;
  const fifth = Math.max(1, Math.floor(usable.length / 5));
  const first = median(usable.slice(0, fifth).map((s) => s.value));
  const last = median(usable.slice(-fifth).map((s) => s.value));
  const half = usable.slice(Math.floor(usable.length / 2));
  // The lower envelope (minimum of each fifth) follows live memory after collections; a leak lifts it too.
  const troughFirst = Math.min(...usable.slice(0, fifth).map((s) => s.value));
  const troughLast = Math.min(...usable.slice(-fifth).map((s) => s.value));
  return {
    samples: usable.length,
    startBytes: first,
    endBytes: last,
    growthBytes: last - first,
    troughGrowthBytes: troughLast - troughFirst,
    slopeBytesPerS: slope(usable.map((s) => ({ x: s.t, y: s.value }))),
    secondHalfSlopeBytesPerS: slope(half.map((s) => ({ x: s.t, y: s.value }))),
    minBytes: Math.min(...usable.map((s) => s.value)),
    maxBytes: Math.max(...usable.map((s) => s.value)),
  };
}
