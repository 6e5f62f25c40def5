import type { LaneResult } from '../stats/lane-result.interface';

/** What the project claims and checks (issue 4): adaptive >= 90 % of the LP ideal, >= 2.3x the best single device. */
export const PROJECT_TARGETS = { fractionOfIdeal: 0.9, speedupOverBestSingle: 2.3 } as const;

export interface HeadlineRow {
  lane: string;
  jobsPerS: number;
  fractionOfIdeal?: number;
  /** Best single-device lane run the same way (same batching mode). */
  bestSingleSame?: { lane: string; jobsPerS: number };
  /** Best single-device lane of any kind (pinned through the scheduler, direct, with or without batching). */
  bestSingleAny?: { lane: string; jobsPerS: number };
  speedupSame?: number;
  speedupAny?: number;
}

/** The ratios every policy lane gets against the ideal and the best single device. */
export function headlineRows(lanes: readonly LaneResult[]): HeadlineRow[] {
  const singles = lanes.filter((l) => l.kind === 'single-device' || l.kind === 'direct');
  const best = (pool: readonly LaneResult[]) =>
    pool.reduce<LaneResult | undefined>((b, l) => (b === undefined || l.throughputJobsPerS > b.throughputJobsPerS ? l : b), undefined);
  return lanes
    .filter((l) => l.kind === 'policy')
    .map((l) => {
      const same = best(
        singles.filter((s) => (l.source === 'sim' ? Boolean(s.batching) === Boolean(l.batching) : s.kind === 'single-device')),
      );
      const any = best(singles);
      return {
        lane: l.lane,
        jobsPerS: l.throughputJobsPerS,
        ...(l.fractionOfIdeal !== undefined ? { fractionOfIdeal: l.fractionOfIdeal } : {}),
        ...(same
          ? {
              bestSingleSame: { lane: same.lane, jobsPerS: same.throughputJobsPerS },
              speedupSame: l.throughputJobsPerS / same.throughputJobsPerS,
            }
          : {}),
        ...(any
          ? {
              bestSingleAny: { lane: any.lane, jobsPerS: any.throughputJobsPerS },
              speedupAny: l.throughputJobsPerS / any.throughputJobsPerS,
            }
          : {}),
      };
    });
}
