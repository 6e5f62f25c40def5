import { predictFinishMs } from '../framework/finish-time';
import type { SchedulingPolicy } from '../interfaces/scheduling-policy.interface';

/** Score of a device the estimator knows nothing of: below every measured one. */
const UNKNOWN_SCORE = -1e12;

/**
 * Static placement: the device with the best calibrated service time at the job's batch size,
 * whatever is queued there (the "best single device" a user would otherwise pin).
 */
export const fastestDevicePolicy = {
  name: 'fastest-device',
  score(ctx, device) {
    const est = ctx.estimator.estimate(ctx.job.modelKey, device.deviceId, ctx.job.batchSize);
    return est === undefined ? UNKNOWN_SCORE : -est.ms;
  },
  predictMs: predictFinishMs,
} satisfies SchedulingPolicy;
