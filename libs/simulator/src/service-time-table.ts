import type { ServiceTimeFn } from './interfaces/simulation-config.interface';

/** Measured points of one model on one device: a run of `batchSize` rows took `ms`. */
export type ServiceTimeTable = Record<string, readonly { batchSize: number; ms: number }[]>;

/**
 * A service-time function from measured points per model: linear between the points, the slope of
 * the last two beyond them (proportional with one point), the first point's time below them.
 */
export function serviceTimeFromTable(table: ServiceTimeTable): ServiceTimeFn {
  const sorted = new Map(Object.entries(table).map(([k, pts]) => [k, [...pts].sort((a, b) => a.batchSize - b.batchSize)]));
  return (modelKey, batchSize) => {
    const pts = sorted.get(modelKey);
    if (pts === undefined || pts.length === 0) return undefined;
    if (batchSize <= pts[0].batchSize) return pts[0].ms;
    let i = 1;
    while (i < pts.length && pts[i].batchSize < batchSize) i++;
    if (pts.length === 1) return (pts[0].ms * batchSize) / pts[0].batchSize;
    const lo = pts[i < pts.length ? i - 1 : pts.length - 2];
    const hi = pts[i < pts.length ? i : pts.length - 1];
    const line = lo.ms + ((hi.ms - lo.ms) * (batchSize - lo.batchSize)) / (hi.batchSize - lo.batchSize);
    // a noisy falling pair must not extrapolate to ever shorter (even negative) runs: more rows
    // never take less than the slowest measured run of fewer rows
    let floor = 0;
    for (const p of pts) if (p.batchSize <= batchSize && p.ms > floor) floor = p.ms;
    return Math.max(line, floor);
  };
}

/**
 * A service-time function from a device's measured throughput per model: single-row jobs per
 * second with all its `capacity` slots busy. One run of b rows takes b x capacity / throughput
 * seconds (no batching gain: a conservative model where nothing better was measured).
 */
export function serviceTimeFromThroughput(jobsPerSecond: Record<string, number>, capacity: number): ServiceTimeFn {
  return (modelKey, batchSize) => {
    const rate = jobsPerSecond[modelKey];
    return rate > 0 ? (batchSize * capacity * 1000) / rate : undefined;
  };
}
