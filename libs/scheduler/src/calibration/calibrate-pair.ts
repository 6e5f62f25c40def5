import type { ServedModel } from '@switchyard/models';
import type { DevicePool } from '@switchyard/runtime';
import { performance } from 'node:perf_hooks';
import type { CalibrationPairResult, CalibrationPoint } from './calibration-profile.interface';
import { syntheticInputs } from './synthetic-inputs';

export interface CalibrationSweepOptions {
  /** Wall-time budget of the pair, ms; a run already started finishes. */
  budgetMs: number;
  /** Largest batch size measured (the model's max_batch_size caps it too). */
  maxBatch: number;
  /** Runs at batch 1 before measuring anything (session warm-up). @defaultValue 2 */
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
 * the online estimator observes too). Stops early when the next runs would overrun the budget,
 * predicted from the last point scaled by batch size.
 */
export async function calibratePair(pool: DevicePool, model: ServedModel, options: CalibrationSweepOptions): Promise<CalibrationPairResult> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const result: CalibrationPairResult = { model: model.key, deviceId: pool.device.id, points: [], elapsedMs: 0, truncated: false };
  const run = async (batch: number) => {
    const { timings } = await pool.run({ modelKey: model.key, inputs: syntheticInputs(model, batch) });
    return timings.runMs + timings.marshalMs;
  };
  try {
    for (let i = 0; i < (options.warmupRuns ?? 2); i++) await run(1);
    const sizes = sweepBatchSizes(model, options.maxBatch);
    let last: CalibrationPoint | undefined;
    for (const batch of sizes) {
      const expectedMs = last ? (last.ms * batch) / last.batchSize : 0;
      const times: number[] = [];
      if (batch > 1 && elapsed() + expectedMs * 2 <= options.budgetMs) await run(batch); // first run at a new shape allocates
      for (let r = 0; r < (options.repeats ?? 3); r++) {
        if (last && elapsed() + expectedMs > options.budgetMs) break;
        times.push(await run(batch));
      }
      if (times.length === 0) {
        result.truncated = true;
        break;
      }
      last = { batchSize: batch, ms: median(times), runs: times.length };
      result.points.push(last);
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
