import { predictFinishMs, readEstimate } from '../framework/finish-time';
import type { SchedulingPolicy } from '../interfaces/scheduling-policy.interface';
import type { ServiceTimeEstimate } from '../interfaces/service-time-estimator.interface';

/** Score of a device the estimator knows nothing of: below every measured one. */
const UNKNOWN_SCORE = -1e12;
/** Scratch estimate, filled and read within one score() call. */
const scratch: ServiceTimeEstimate = { ms: 0, samples: 0 };

/**
 * Static placement: the device with the best calibrated service time at the job's batch size,
 * whatever is queued there (the "best single device" a user would otherwise pin).
 */
export const fastestDevicePolicy = {
  name: 'fastest-device',
  score(ctx, device) {
    return readEstimate(ctx.estimator, ctx.job.modelKey, device.deviceId, ctx.job.batchSize, scratch) ? -scratch.ms : UNKNOWN_SCORE;
  },
  predictMs: predictFinishMs,
} satisfies SchedulingPolicy;
