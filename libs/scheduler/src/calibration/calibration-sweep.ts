import type { CalibrationPoint } from './calibration-profile.interface';

/** Warm-up goes on while a run is this much faster than the one before it. */
const WARMING_SPEED_UP = 1.3;
const MAX_WARMUP_RUNS = 8;

export interface CalibrationSweepOptions {
  /** Wall-time budget of the pair, ms; a run already started finishes. */
  budgetMs: number;
  /** Largest batch size measured (the model's max_batch_size caps it too). */
  maxBatch: number;
  /**
   * Runs at batch 1 before measuring anything (session warm-up); more, up to 8, while each run
   * is still much faster than the one before (a GPU still compiling its shaders). @defaultValue 2
   */
  warmupRuns?: number;
  /** Measured runs per batch size (their median is the point). @defaultValue 3 */
  repeats?: number;
}

export interface CalibrationSweepResult {
  points: CalibrationPoint[];
  /** The budget ended the sweep before its last batch size. */
  truncated: boolean;
}

/**
 * The calibration procedure of one (model, device) pair, apart from how a run is made: it yields
 * the batch size of each run it wants and is sent back that run's ms (session run +
 * marshalling). calibratePair() drives it with a real pool, the simulator with a simulated device,
 * so both calibrate the same way: warm-up runs, then a few runs per batch size (their median is
 * the point). Every run after the first warm-up and the first measured one must fit in the
 * budget (`elapsedMs()`), predicted from the last run scaled by batch size, so a slow pair costs
 * two runs, not a sweep.
 */
export function* calibrationSweep(
  batchSizes: readonly number[],
  options: CalibrationSweepOptions,
  elapsedMs: () => number,
): Generator<number, CalibrationSweepResult, number> {
  const result: CalibrationSweepResult = { points: [], truncated: false };
  let lastMs = 0;
  let lastBatch = 1;
  function* run(batch: number): Generator<number, number, number> {
    lastMs = yield batch;
    lastBatch = batch;
    return lastMs;
  }
  const fits = (batch: number, runs = 1) => elapsedMs() + ((lastMs * batch) / lastBatch) * runs <= options.budgetMs;
  let before = yield* run(1);
  for (let runs = 1; runs < MAX_WARMUP_RUNS && fits(1); runs++) {
    const ms = yield* run(1);
    const stillWarming = ms * WARMING_SPEED_UP < before;
    before = ms;
    if (runs + 1 >= (options.warmupRuns ?? 2) && !stillWarming) break;
  }
  for (const batch of batchSizes) {
    const times: number[] = [];
    if (batch > 1 && fits(batch, 2)) yield* run(batch); // the first run at a new shape allocates
    for (let r = 0; r < (options.repeats ?? 3); r++) {
      if (result.points.length + times.length > 0 && !fits(batch)) break;
      times.push(yield* run(batch));
    }
    if (times.length === 0) {
      result.truncated = true;
      break;
    }
    result.points.push({ batchSize: batch, ms: median(times), runs: times.length });
  }
  return result;
}

/** The batch sizes of a sweep: 1, 2, 4... up to the cap, and the cap itself (cap: the model's max batch, 0 for none). */
export function sweepSizes(modelMaxBatch: number, maxBatch: number): number[] {
  const cap = modelMaxBatch > 0 ? Math.max(1, Math.min(modelMaxBatch, maxBatch)) : 1;
  const sizes: number[] = [];
  for (let b = 1; b < cap; b *= 2) sizes.push(b);
  sizes.push(cap);
  return sizes;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
