import { seededRandom } from '@switchyard/common';
import { exponentialSample } from '@switchyard/simulator';

/**
 * Intended send times (ms from the start) of a Poisson process at `ratePerSecond`, up to
 * `durationMs`, from the simulator's seeded generator: the schedule is fixed before the run, so
 * a late sender cannot move it (latency is measured from these times).
 */
export function poissonSchedule(ratePerSecond: number, durationMs: number, seed: number): Float64Array {
  if (!(ratePerSecond > 0)) throw new RangeError(`rate must be > 0, got ${ratePerSecond}`);
  const random = seededRandom(seed);
  const mean = 1000 / ratePerSecond;
  const times: number[] = [];
  for (let t = exponentialSample(random, mean); t < durationMs; t += exponentialSample(random, mean)) times.push(t);
  return Float64Array.from(times);
}
