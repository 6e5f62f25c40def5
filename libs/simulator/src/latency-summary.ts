import type { LatencySummary } from './interfaces/simulation-report.interface';

/** Mean, nearest-rank percentiles and max of latencies (sorts `values` in place). */
export function summariseLatencies(values: number[]): LatencySummary {
  if (values.length === 0) return { mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  values.sort((a, b) => a - b);
  let sum = 0;
  for (const v of values) sum += v;
  const rank = (p: number) => values[Math.min(values.length - 1, Math.ceil(p * values.length) - 1)];
  return { mean: sum / values.length, p50: rank(0.5), p95: rank(0.95), p99: rank(0.99), max: values[values.length - 1] };
}
