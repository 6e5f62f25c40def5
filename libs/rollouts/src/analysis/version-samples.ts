import type { VersionSamples } from '../interfaces/rollout-samples.interface';

/** Latencies kept per version and window (the p99 is over the newest ones). */
export const LATENCIES_KEPT = 10_000;

export function emptySamples(): VersionSamples {
  return { requests: 0, errors: 0, latenciesMs: [] };
}

/** One finished request: failed ones count as errors, successful ones give a latency. */
export function recordSample(samples: VersionSamples, ok: boolean, ms: number): void {
  samples.requests++;
  if (ok) samples.latenciesMs.push(ms);
  else samples.errors++;
}

/** Adds `from` into `into`, keeping the newest LATENCIES_KEPT latencies. */
export function mergeSamples(into: VersionSamples, from: VersionSamples): VersionSamples {
  into.requests += from.requests;
  into.errors += from.errors;
  into.latenciesMs.push(...from.latenciesMs);
  if (into.latenciesMs.length > LATENCIES_KEPT) into.latenciesMs.splice(0, into.latenciesMs.length - LATENCIES_KEPT);
  return into;
}

export function errorRate(samples: VersionSamples): number | null {
  return samples.requests ? samples.errors / samples.requests : null;
}

/** Nearest-rank p99 of the successful requests' latency; null when there were none. */
export function p99(samples: VersionSamples): number | null {
  const { latenciesMs } = samples;
  if (latenciesMs.length === 0) return null;
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)];
}
