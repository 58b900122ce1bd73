// Latency recorder with microsecond resolution: autocannon's own histogram keeps whole milliseconds, too coarse
// for sub-millisecond hops (the floor's p50 is ~0.16 ms), so every sample is also recorded here.
const LINEAR_LIMIT_US = 100_000;

/** Creates a recorder of latencies in milliseconds, bucketed by whole microseconds below 100 ms. */
export function createLatencyRecorder() {
  const buckets = new Uint32Array(LINEAR_LIMIT_US);
  const overflow = [];
  let count = 0;
  let sumUs = 0;
  let maxUs = 0;
  return {
    record(ms) {
      const us = Math.max(0, Math.round(ms * 1000));
      count += 1;
      sumUs += us;
      if (us > maxUs) maxUs = us;
      if (us < LINEAR_LIMIT_US) buckets[us] += 1;
      else overflow.push(us);
    },
    summary() {
      overflow.sort((a, b) => a - b);
      const at = (p) => {
        if (count === 0) return null;
        const rank = Math.max(1, Math.ceil((p / 100) * count));
        let seen = 0;
        for (let us = 0; us < LINEAR_LIMIT_US; us += 1) {
          seen += buckets[us];
          if (seen >= rank) return us / 1000;
        }
        return overflow[rank - seen - 1] / 1000;
      };
      return {
        count,
        meanMs: count === 0 ? null : sumUs / count / 1000,
        p50Ms: at(50),
        p90Ms: at(90),
        p99Ms: at(99),
        maxMs: count === 0 ? null : maxUs / 1000,
      };
    },
  };
}
