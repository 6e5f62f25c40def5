import { slotsOf } from '../framework/backlog-per-slot';
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
  /**
   * Weight of the delay the job's run adds to the batches of other models it runs ahead of
   * (DeviceSnapshot.overtakenBatches x its run / slots, added to its finish time when scoring,
   * never to predictMs). Models take turns on a device, so a job's finish time alone makes a queue
   * look cheap that it overtakes (a small job behind a GPU's queue of large ones) and a device fit
   * to take a large job that will hold back the small ones queued there. 2: the overtaken batches
   * and about as many that join those queues while they drain (a backlogged queue is fed about as
   * fast as it is served); 1 left adaptive at 0.82-1.00 of the ideal under overload by seed, in the
   * simulated sweep (docs/scheduler.md). 0: the finish time alone. @defaultValue 2
   */
  overtakingWeight: number;
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
  overtakingWeight: 2,
};

/**
 * HEFT / StarPU dmda at the granularity of one job: the device where the job would finish
 * soonest, weighted by its cost. score = -((finish + overtaking delay) x costWeight), finish =
 * backlog + open batch ahead (when not joining it) + est(rows of the batch the job runs in), the
 * overtaking delay what that run adds to the batches it overtakes (`overtakingWeight`). See
 * docs/scheduler.md.
 */
export function createAdaptivePolicy(options: Partial<AdaptivePolicyOptions> = {}): SchedulingPolicy {
  const o: AdaptivePolicyOptions = { ...DEFAULTS, ...options };
  if (!(o.explorationRate >= 0 && o.explorationRate < 1)) {
    throw new RangeError(`explorationRate must be in [0, 1), got ${o.explorationRate}`);
  }
  if (!(o.staleAfterRuns >= 1)) throw new RangeError(`staleAfterRuns must be at least 1, got ${o.staleAfterRuns}`);
  if (!(o.overtakingWeight >= 0)) throw new RangeError(`overtakingWeight must be at least 0, got ${o.overtakingWeight}`);
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
      else {
        const ms = explore ? runMs * o.optimism : runMs;
        finishMs = waitMs + ms + overtakingDelayMs(ctx, device, rows, ms, o.overtakingWeight);
      }
      return -finishMs * cost(device);
    },
    predictMs: predictFinishMs,
  } satisfies SchedulingPolicy;
}

/**
 * `weight` x the delay the job's run adds to the batches it overtakes: its share of its batch's run
 * (all of it, unless it joins the open batch) over the slots, for each of them.
 */
function overtakingDelayMs(ctx: SchedulingContext, device: DeviceSnapshot, rows: number, runMs: number, weight: number): number {
  const n = device.overtakenBatches;
  if (n === 0 || weight === 0) return 0;
  const share = rows > ctx.job.batchSize ? ctx.job.batchSize / rows : 1;
  return (weight * n * runMs * share) / slotsOf(device.capacity);
}

/** The adaptive policy with its defaults. */
export const adaptivePolicy = createAdaptivePolicy();
