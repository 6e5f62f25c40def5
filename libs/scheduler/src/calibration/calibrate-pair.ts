import type { ServedModel } from '@switchyard/models';
import type { DevicePool } from '@switchyard/runtime';
import { performance } from 'node:perf_hooks';
import type { CalibrationPairResult } from './calibration-profile.interface';
import { syntheticInputs } from './synthetic-inputs';

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

/** The batch sizes of a sweep: 1, 2, 4... up to the cap, and the cap itself. */
export function sweepBatchSizes(model: ServedModel, maxBatch: number): number[] {
  const cap = model.maxBatchSize > 0 ? Math.max(1, Math.min(model.maxBatchSize, maxBatch)) : 1;
  const sizes: number[] = [];
  for (let b = 1; b < cap; b *= 2) sizes.push(b);
  sizes.push(cap);
  return sizes;
}

/**
 * Measures a model on one device's pool: warm-up runs, then a few runs per batch size of the
 * sweep with synthetic inputs, each point the median of session run + marshalling time (what
 * the online estimator observes too). Every run after the first warm-up and the first measured
 * one must fit in the budget, predicted from the last run scaled by batch size, so a slow pair
 * (a large model on a software GPU) costs two runs, not a sweep.
 */
export async function calibratePair(pool: DevicePool, model: ServedModel, options: CalibrationSweepOptions): Promise<CalibrationPairResult> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const result: CalibrationPairResult = { model: model.key, deviceId: pool.device.id, points: [], elapsedMs: 0, truncated: false };
  let lastMs = 0;
  let lastBatch = 1;
  const run = async (batch: number) => {
    const { timings } = await pool.run({ modelKey: model.key, inputs: syntheticInputs(model, batch) });
    lastMs = timings.runMs + timings.marshalMs;
    lastBatch = batch;
    return lastMs;
  };
  const fits = (batch: number, runs = 1) => elapsed() + ((lastMs * batch) / lastBatch) * runs <= options.budgetMs;
  try {
    let before = await run(1);
    for (let runs = 1; runs < MAX_WARMUP_RUNS && fits(1); runs++) {
      const ms = await run(1);
      const stillWarming = ms * WARMING_SPEED_UP < before;
      before = ms;
      if (runs + 1 >= (options.warmupRuns ?? 2) && !stillWarming) break;
    }
    for (const batch of sweepBatchSizes(model, options.maxBatch)) {
      const times: number[] = [];
      if (batch > 1 && fits(batch, 2)) await run(batch); // the first run at a new shape allocates
      for (let r = 0; r < (options.repeats ?? 3); r++) {
        if (result.points.length + times.length > 0 && !fits(batch)) break;
        times.push(await run(batch));
      }
      if (times.length === 0) {
        result.truncated = true;
        break;
      }
      result.points.push({ batchSize: batch, ms: median(times), runs: times.length });
    }
  } catch (err) {
    result.error = (err as Error).message;
    result.points = [];
  }
  result.elapsedMs = elapsed();
  return result;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
