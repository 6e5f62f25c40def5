import type { ServedModel } from '@switchyard/models';
import type { DevicePool } from '@switchyard/runtime';
import { performance } from 'node:perf_hooks';
import type { CalibrationPairResult } from './calibration-profile.interface';
import { calibrationSweep, sweepSizes, type CalibrationSweepOptions } from './calibration-sweep';
import { syntheticInputs } from './synthetic-inputs';

/** The batch sizes of a sweep: 1, 2, 4... up to the cap, and the cap itself. */
export function sweepBatchSizes(model: ServedModel, maxBatch: number): number[] {
  return sweepSizes(model.maxBatchSize, maxBatch);
}

/**
 * Measures a model on one device's pool with the calibration procedure (calibrationSweep():
 * warm-up, a few runs per batch size, a budget) and synthetic inputs; each point is the median
 * of session run + marshalling time (what the online estimator observes too).
 */
export async function calibratePair(
  pool: DevicePool,
  model: ServedModel,
  options: CalibrationSweepOptions,
): Promise<CalibrationPairResult> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const result: CalibrationPairResult = { model: model.key, deviceId: pool.device.id, points: [], elapsedMs: 0, truncated: false };
  try {
    const sweep = calibrationSweep(sweepBatchSizes(model, options.maxBatch), options, elapsed);
    let step = sweep.next();
    while (!step.done) {
      const { timings } = await pool.run({ modelKey: model.key, inputs: syntheticInputs(model, step.value) });
      step = sweep.next(timings.runMs + timings.marshalMs);
    }
    result.points = step.value.points;
    result.truncated = step.value.truncated;
  } catch (err) {
    result.error = (err as Error).message;
    result.points = [];
  }
  result.elapsedMs = elapsed();
  return result;
}
