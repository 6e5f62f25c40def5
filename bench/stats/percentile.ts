/**
 * Nearest-rank percentile of an ASCENDING array: the smallest value with at least p of the
 * values at or below it (the simulator's definition too). p in [0, 1]; NaN for no values.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile must be in [0, 1], got ${p}`);
  const n = sorted.length;
  if (n === 0) return NaN;
  const rank = Math.max(1, Math.ceil(p * n));
  return sorted[Math.min(n, rank) - 1];
}

/**
 * The median of values in any order (left untouched): the middle one, or the mean of the two
 * middle ones for an even count; NaN for none. The summary of a few runs or rounds; per-request
 * latencies use percentileOfSorted (nearest rank).
 */
export function median(values: readonly number[]): number {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** "p50 (p10 - p90)" of an ASCENDING array, each with three decimals (a spread in the reports). */
export function medianAndDecileRange(sorted: ArrayLike<number>): string {
  const f = (p: number) => percentileOfSorted(sorted, p).toFixed(3);
  return `${f(0.5)} (${f(0.1)} - ${f(0.9)})`;
}

export interface LatencyStats {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Mean, p50/p95/p99 (nearest rank) and max; leaves `values` untouched. */
export function latencyStats(values: readonly number[]): LatencyStats {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: n,
    mean: n ? sum / n : NaN,
    p50: percentileOfSorted(sorted, 0.5),
    p95: percentileOfSorted(sorted, 0.95),
    p99: percentileOfSorted(sorted, 0.99),
    max: n ? sorted[n - 1] : NaN,
  };
}
