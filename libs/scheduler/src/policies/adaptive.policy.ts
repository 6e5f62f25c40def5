import { batchRowsOnDevice, predictFinishMs, readEstimate, waitBeforeRunMs } from '../framework/finish-time';
import type { DeviceSnapshot, SchedulingContext, SchedulingPolicy } from '../interfaces/scheduling-policy.interface';
import type { ServiceTimeEstimate } from '../interfaces/service-time-estimator.interface';

export interface AdaptivePolicyOptions {
  name: string;
  /** Weigh the finish time by the device's cost weight (false: the cost-blind variant). */
  costAware: boolean;
  /** Buckets with fewer samples than this are still being explored. @defaultValue 3 */
  minSamples: number;
  /**
   * Chance, per unsure device and decision, that it is explored: a young bucket (fewer than
   * `minSamples` runs, whose first runs may be cold) has its run time taken as 0, however slow
   * it says the device is (the job's finish there is its wait); a stale one (passed over for
   * `staleAfterRuns`) `optimism` x its estimate. Bounds the exploration to a small fraction of the
   * decisions; it stops by itself once every bucket has `minSamples`, and comes back for a device
   * passed over for `staleAfterRuns` until that device is measured again. @defaultValue 0.05
   */
  explorationRate: number;
  /** Factor applied to a stale estimate when exploring. @defaultValue 0.5 */
  optimism: number;
  /**
   * A device passed over for this many runs of the model elsewhere is stale: explored again (at
   * `explorationRate`, at `optimism` x its estimate) until it is measured anew, a measurement the
   * estimator weighs more the longer it waited (EwmaEstimatorOptions.decayRuns). A device is
   * measured only when chosen, so an estimate learnt cold or under a passing load would otherwise
   * keep it out for good. @defaultValue 64
   */
  staleAfterRuns: number;
}

/**
 * A device the estimator knows nothing of (not idle, and not explored this time) scores as if its finish
 * time were (wait + 1 ms) x this: after every known device, and among unknown ones by backlog
 * (multiplied, not added, so the framework's relative tie band still tells them apart).
 */
const UNKNOWN_FACTOR = 1e6;
/** Floor of a cost weight, so free devices are still ordered by finish time. */
const MIN_COST = 1e-6;

/** Scratch estimate, filled and read within one score() call (no allocation per device). */
const scratch: ServiceTimeEstimate = { ms: 0, samples: 0 };

const DEFAULTS: AdaptivePolicyOptions = {
  name: 'adaptive',
  costAware: true,
  minSamples: 3,
  explorationRate: 0.05,
  optimism: 0.5,
  staleAfterRuns: 64,
};

/**
 * HEFT / StarPU dmda at the granularity of one job: the device where the job would finish
 * soonest, weighted by its cost. score = -(finish x costWeight), finish = backlog + open batch
 * ahead (when not joining it) + est(rows of the batch the job runs in). See docs/scheduler.md.
 */
export function createAdaptivePolicy(options: Partial<AdaptivePolicyOptions> = {}): SchedulingPolicy {
  const o: AdaptivePolicyOptions = { ...DEFAULTS, ...options };
  if (!(o.explorationRate >= 0 && o.explorationRate < 1)) {
    throw new RangeError(`explorationRate must be in [0, 1), got ${o.explorationRate}`);
  }
  if (!(o.staleAfterRuns >= 1)) throw new RangeError(`staleAfterRuns must be at least 1, got ${o.staleAfterRuns}`);
  const cost = (device: DeviceSnapshot): number => (o.costAware ? (device.costWeight > MIN_COST ? device.costWeight : MIN_COST) : 1);

  return {
    name: o.name,
    score(ctx: SchedulingContext, device: DeviceSnapshot): number {
      const rows = batchRowsOnDevice(ctx, device);
      scratch.passedOver = undefined;
      const known = readEstimate(ctx.estimator, ctx.job.modelKey, device.deviceId, rows, scratch);
      const runMs = scratch.ms;
      // young: nothing, or fewer than minSamples runs in this bucket (the first ones may be cold)
      const young = !known || scratch.samples < o.minSamples;
      const stale = !young && (scratch.passedOver ?? 0) >= o.staleAfterRuns;
      const explore = (young || stale) && ctx.random() < o.explorationRate;
      const waitMs = waitBeforeRunMs(ctx, device, rows);
      // an idle device never measured for this model costs nothing to try: one job teaches it
      const idleUnknown = !known && device.inFlight < device.capacity && device.queuedJobs === 0;
      let finishMs: number;
      if (idleUnknown || (explore && young)) finishMs = waitMs;
      else if (!known) finishMs = (waitMs + 1) * UNKNOWN_FACTOR;
      else finishMs = waitMs + (explore ? runMs * o.optimism : runMs);
      return -finishMs * cost(device);
    },
    predictMs: predictFinishMs,
  } satisfies SchedulingPolicy;
}

/** The adaptive policy with its defaults. */
export const adaptivePolicy = createAdaptivePolicy();
