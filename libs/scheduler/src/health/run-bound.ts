import type { DeviceHealthSettings } from '@switchyard/config';

/**
 * Bound of one session run predicted to take `predictedMs`: SWITCHYARD_RUN_TIMEOUT_MS when set,
 * else RUN_TIMEOUT_FACTOR x the prediction, at least RUN_TIMEOUT_FLOOR_MS (an unknown run, predicted
 * 0, gets the floor). Past it the run is declared hung and its worker or process recycled.
 */
export function runBoundMs(
  settings: Pick<DeviceHealthSettings, 'runTimeoutMs' | 'runTimeoutFactor' | 'runTimeoutFloorMs'>,
  predictedMs: number,
): number {
  if (settings.runTimeoutMs > 0) return settings.runTimeoutMs;
  return Math.max(settings.runTimeoutFloorMs, settings.runTimeoutFactor * predictedMs);
}
