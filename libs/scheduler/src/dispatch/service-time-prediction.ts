import type { ServiceTimeEstimator } from '../interfaces/service-time-estimator.interface';

/**
 * Predicted ms of one session run for backlog accounting. When the (model, device) pair is still
 * unknown, the slowest known device's estimate stands in (no device is assumed faster than what
 * has been measured), else 0: queued work of unknown cost must not make a device look idle when
 * something is known.
 */
export function predictServiceMs(
  estimator: ServiceTimeEstimator,
  modelKey: string,
  deviceId: string,
  rows: number,
  peerDeviceIds: readonly string[],
): number {
  const own = estimator.estimate(modelKey, deviceId, rows);
  if (own !== undefined) return own.ms;
  let worst = 0;
  for (const peer of peerDeviceIds) {
    const e = peer === deviceId ? undefined : estimator.estimate(modelKey, peer, rows);
    if (e !== undefined && e.ms > worst) worst = e.ms;
  }
  return worst;
}
