import type { LaneResult } from '../stats/lane-result.interface';
import type { SimVsRealRow } from './bench-report.interface';

/**
 * Stated tolerance of the simulator against this host: simulated throughput within +-25 % of
 * the real one, lane by lane. Chosen before the first comparison. The twin models the devices
 * (calibrated run times), the serving thread (cost per job and per run fitted to its measured
 * CPU time) and the host cores they share (processor sharing); what it leaves out: noise in the
 * calibration, OS scheduling, GC pauses, and a device's concurrent runs inside one worker.
 */
export const SIM_THROUGHPUT_TOLERANCE = 0.25;

/**
 * Pairs real lanes with their simulated twins: a scheduler lane (which always batches
 * dynamically) with the "+batching" sim lane of the same policy or device, a direct pool lane
 * with the sim's single device without batching.
 */
export function compareSimToReal(
  real: readonly LaneResult[],
  sim: readonly LaneResult[],
  tolerance = SIM_THROUGHPUT_TOLERANCE,
): SimVsRealRow[] {
  const byName = new Map(sim.map((l) => [l.lane, l]));
  const rows: SimVsRealRow[] = [];
  for (const r of real) {
    const twin =
      r.kind === 'direct'
        ? byName.get(`only:${r.subject}`)
        : r.kind === 'single-device'
          ? byName.get(`only:${r.subject}+batching`)
          : (byName.get(`${r.subject}+batching`) ?? byName.get(r.subject));
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
