import { readEstimate } from '../framework/finish-time';
import type { ServiceTimeEstimate, ServiceTimeEstimator } from '../interfaces/service-time-estimator.interface';

/** Scratch estimate: filled and read within one synchronous call. */
const scratch: ServiceTimeEstimate = { ms: 0, samples: 0 };

/**
 * Predicted ms of one session run for backlog accounting, the one rule of the dispatcher and the
 * simulator. When the (model, device) pair is still unknown, the slowest known device's estimate
 * stands in (no device is assumed faster than what has been measured), else 0: queued work of
 * unknown cost must not make a device look idle when something is known. Allocation-free.
 */
export function predictServiceMs(
  estimator: ServiceTimeEstimator,
  modelKey: string,
  deviceId: string,
  rows: number,
  peerDeviceIds: readonly string[],
): number {
  if (readEstimate(estimator, modelKey, deviceId, rows, scratch)) return scratch.ms;
  let worst = 0;
  for (const peer of peerDeviceIds) {
    if (peer !== deviceId && readEstimate(estimator, modelKey, peer, rows, scratch) && scratch.ms > worst) worst = scratch.ms;
  }
  return worst;
}
