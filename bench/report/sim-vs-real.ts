import type { LaneResult } from '../stats/lane-result.interface';
import type { SimVsRealRow } from './bench-report.interface';

/**
 * Stated tolerance of the simulator against this host: simulated throughput within +-25 % of
 * the real one, lane by lane. Chosen before the first comparison, from what the device model
 * leaves out: HTTP/Nest overhead per request, the 1 ms batching delay, and the CPU and
 * software GPU (lavapipe) sharing two cores, which the simulator models as independent devices.
 */
export const SIM_THROUGHPUT_TOLERANCE = 0.25;

/**
 * Pairs real lanes with their simulated twins: a scheduler lane (which always batches
 * dynamically) with the "+batching" sim lane of the same policy or device, a direct pool lane
 * with the sim's single device without batching.
 */
export function compareSimToReal(real: readonly LaneResult[], sim: readonly LaneResult[], tolerance = SIM_THROUGHPUT_TOLERANCE): SimVsRealRow[] {
  const byName = new Map(sim.map((l) => [l.lane, l]));
  const rows: SimVsRealRow[] = [];
  for (const r of real) {
    const twin =
      r.kind === 'direct' ? byName.get(`only:${r.subject}`) : r.kind === 'single-device' ? byName.get(`only:${r.subject}+batching`) : byName.get(`${r.subject}+batching`) ?? byName.get(r.subject);
    if (!twin || r.throughputJobsPerS <= 0) continue;
    const gap = twin.throughputJobsPerS / r.throughputJobsPerS - 1;
    rows.push({
      realLane: r.lane,
      simLane: twin.lane,
      realJobsPerS: r.throughputJobsPerS,
      simJobsPerS: twin.throughputJobsPerS,
      throughputGap: gap,
      realP50Ms: r.latencyMs.p50,
      simP50Ms: twin.latencyMs.p50,
      withinTolerance: Math.abs(gap) <= tolerance,
    });
  }
  return rows;
}
