import type { DeviceHealthSettings } from '@switchyard/config';

/**
 * Added to the bound of a run that may be a device's first of the model, or of a probe: a GPU
 * compiles its kernels on a session's first run (WebGPU shaders, TensorRT engines; seconds on
 * Mesa's software Vulkan), and a probe may wait for a restarted pool to load its models.
 */
export const FIRST_RUN_ALLOWANCE_MS = 30_000;

/**
 * Bound of one session run predicted to take `predictedMs`: SWITCHYARD_RUN_TIMEOUT_MS when set,
 * else RUN_TIMEOUT_FACTOR x the prediction, at least RUN_TIMEOUT_FLOOR_MS (an unknown run, predicted
 * 0, gets the floor), plus FIRST_RUN_ALLOWANCE_MS for a `firstRun` (the estimator knows nothing of the
 * model on that device yet: no run, calibration or peers' prior). Past it the run is declared hung and its worker or process recycled.
 */
export function runBoundMs(
  settings: Pick<DeviceHealthSettings, 'runTimeoutMs' | 'runTimeoutFactor' | 'runTimeoutFloorMs'>,
  predictedMs: number,
  firstRun = false,
): number {
  if (settings.runTimeoutMs > 0) return settings.runTimeoutMs;
  return Math.max(settings.runTimeoutFloorMs, settings.runTimeoutFactor * predictedMs) + (firstRun ? FIRST_RUN_ALLOWANCE_MS : 0);
}
