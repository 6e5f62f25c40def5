import type { HostSample } from '../sim/host-overhead';
import type { LaneKind } from '../stats/lane-result.interface';
import { spread } from './fit-parameter';

/** Which rounds of a run the host model is fitted on and which it is checked against (0-based). */
export interface RoundSplit {
  fit: number[];
  heldOut: number[];
}

/**
 * Splits `rounds` rounds into the fit rounds (`fitRounds`, numbered from 1 as on the command
 * line) and the held-out rest; both sides must be non-empty, so that the check is out of sample.
 */
export function splitRounds(rounds: number, fitRounds: readonly number[]): RoundSplit {
  const fit = [...new Set(fitRounds)].sort((a, b) => a - b);
  const outside = fit.filter((r) => !(Number.isInteger(r) && r >= 1 && r <= rounds));
  if (outside.length) throw new RangeError(`fit rounds ${outside.join(', ')} are not rounds of this run (1 to ${rounds})`);
  const heldOut = Array.from({ length: rounds }, (_, i) => i + 1).filter((r) => !fit.includes(r));
  if (fit.length === 0 || heldOut.length === 0)
    throw new RangeError(`fit rounds must leave at least one of the ${rounds} rounds out, and take at least one`);
  return { fit: fit.map((r) => r - 1), heldOut: heldOut.map((r) => r - 1) };
}

/** The per-round host figures of `rounds` (0-based) from every lane that recorded them, with the lane's kind. */
export function hostSamplesOfRounds(
  lanes: ReadonlyArray<{ kind: LaneKind; hostByRound?: HostSample[] }>,
  rounds: readonly number[],
): Array<HostSample & { kind: LaneKind }> {
  return lanes.flatMap((l) => rounds.flatMap((r) => (l.hostByRound?.[r] ? [{ kind: l.kind, ...l.hostByRound[r] }] : [])));
}

/** The spread of sim-vs-real gaps (sim / real - 1): signed mean, mean |gap|, extremes, how many. */
export interface GapSpread {
  meanGap: number;
  meanAbsGap: number;
  minGap: number;
  maxGap: number;
  n: number;
}

export function gapSpread(gaps: readonly number[]): GapSpread {
  if (gaps.length === 0) return { meanGap: NaN, meanAbsGap: NaN, minGap: NaN, maxGap: NaN, n: 0 };
  const signed = spread(gaps);
  return { meanGap: signed.mean, meanAbsGap: spread(gaps.map(Math.abs)).mean, minGap: signed.min, maxGap: signed.max, n: gaps.length };
}
