import { backlogPerSlotMs, slotsOf } from '../framework/backlog-per-slot';
import type { ServiceTimeEstimator } from '../interfaces/service-time-estimator.interface';
import type { BatchEntry } from './batch-entry.interface';
import type { ModelBatchQueue, QueuedWork } from './model-batch-queue';
import type { QueuedLoad, QueuesRevision } from './queues-revision';

/** What a policy needs of a device's queues for one model (see DeviceSnapshot). */
export interface DeviceLoad {
  backlogMs: number;
  openBatchRows: number;
  /** Batches of other models queued before the job that its batch runs ahead of (DeviceSnapshot.overtakenBatches). */
  overtakenBatches: number;
  /** All predicted work queued and running, per slot (for Retry-After). */
  workMs: number;
  /** The slots and busy slots it was computed with. */
  capacity: number;
  inFlight: number;
}

/** A batch running on a device, as load accounting sees it. */
export interface RunningBatchLoad {
  startedAt: number;
  predictedMs: number;
}

/**
 * What deviceLoad() reads of a device, held by its owner (the dispatcher, a simulated device) for
 * its lifetime: the live collections, not copies.
 */
export interface DeviceLoadSource<T extends BatchEntry> {
  running: Iterable<RunningBatchLoad>;
  queues: ReadonlyMap<string, ModelBatchQueue<T>>;
  /** Predicted ms of one run of `rows` rows of a model on this device (predictServiceMs()). */
  serviceMs: (modelKey: string, rows: number) => number;
  /** Queued work is recomputed only when its `version` changes (never cached without one). */
  estimator: { readonly version?: number };
  /**
   * The counter the owner's queues share (their `revision` argument). With it and the estimator's
   * version, the queued part of the load is kept per model and job level until either moves (a job
   * queued or leaving, a queue served, an estimate changed), so a decision costs one step per
   * running batch on each device whose queues did not change since the last one.
   */
  revision?: QueuesRevision;
}

/**
 * A run counts as stalling once it has run this much past twice its prediction (the slack covers
 * the message hop and a busy event loop, which delay every completion a little).
 */
export const STALL_GRACE_MS = 5;

/**
 * Predicted ms left of a running batch. Until its prediction it is the prediction minus its age;
 * then it is about to finish (0) until twice its prediction plus STALL_GRACE_MS; past that the run
 * is stalling and counts at its age: a run that has overrun this long is expected to take at least
 * as long again (the longer it runs, the later it is expected to end), so placement moves off a
 * stalled device long before its runs' bound declares them hung. (Growing faster than the age
 * turned a 100 ms hiccup of a 0.05 ms run on a busy host into seconds of predicted wait.)
 */
export function remainingRunMs(predictedMs: number, elapsedMs: number): number {
  if (elapsedMs <= predictedMs) return predictedMs - elapsedMs;
  return elapsedMs <= 2 * predictedMs + STALL_GRACE_MS ? 0 : elapsedMs;
}

/**
 * The device's load as a job of `modelKey` sees it (DeviceSnapshot's backlogMs, openBatchRows and
 * overtakenBatches), shared by the dispatcher and the simulator. A free slot takes the batch of
 * the queue pickReadyQueue() picks (best head priority level, ties to the queue served least
 * recently), so the work ahead of the job is, in that turn-taking order:
 *
 * - the running batches' remaining work;
 * - the batches of its own queue before the one it runs in: all of them for a model that does not
 *   batch, all but the open batch (the last one, which the job may join) for one that does; none
 *   when the job's level is better than its queue's head (it goes to the front);
 * - of every other queue at the job's level, one batch per turn of its own queue (one more when
 *   that queue was served less recently, so comes first in the rotation), up to all of its
 *   batches: the rest of them are overtaken; all of a queue whose head is at a better level, none of
 *   one at a worse one (priority, not turn-taking: not counted as overtaken).
 *
 * `jobLevel` is the job's priority level (the scheduler's: its priority, else the default); without
 * it the job's queue's head level stands in for it, and with an empty queue every queue takes
 * turns with it. backlogPerSlotMs() spreads that work over the slots. Approximations: jobs arriving
 * later are left out (a later job of another model may take a turn first); a queue is judged by its
 * head's level (a better head counts its whole queue ahead); a job that goes to the front of its
 * queue is counted as a batch of its own (openBatchRows 0), though it takes compatible queued jobs
 * into its batch; a model that does not batch counts its first batches at the mean run of its
 * queued jobs. `workMs` is all the work, in any order. Cost: one step per running batch and per
 * model queue, never per queued job; one step per running batch when the source's queues and
 * estimates did not change since the last call for this model and level (DeviceLoadSource.revision).
 */
export function deviceLoad<T extends BatchEntry>(
  source: DeviceLoadSource<T>,
  modelKey: string,
  now: number,
  capacity: number,
  inFlight: number,
  jobLevel?: number,
): DeviceLoad {
  let runningMs = 0;
  for (const run of source.running) runningMs += remainingRunMs(run.predictedMs, now - run.startedAt);
  const queued = queuedLoad(source, modelKey, jobLevel);
  const slots = slotsOf(capacity);
  return {
    backlogMs: backlogPerSlotMs(runningMs + queued.aheadMs, inFlight, queued.aheadBatches, slots),
    openBatchRows: queued.openBatchRows,
    overtakenBatches: queued.overtakenBatches,
    workMs: (runningMs + queued.allMs) / slots,
    capacity,
    inFlight,
  };
}

/** Scratch figures of a source that caches none (no `revision`). */
const uncached: QueuedLoad = emptyQueuedLoad();

function emptyQueuedLoad(): QueuedLoad {
  return {
    revision: 0,
    version: undefined,
    level: undefined,
    aheadMs: 0,
    aheadBatches: 0,
    overtakenBatches: 0,
    allMs: 0,
    openBatchRows: 0,
  };
}

/**
 * The queued part of deviceLoad() (see there): from the source's cache when neither its queues nor the
 * estimator's version moved since it was computed for this model and level. (A queue made empty
 * changes nothing: it is the map's last, where deviceLoad() takes a model without a queue to be.)
 */
function queuedLoad<T extends BatchEntry>(
  source: DeviceLoadSource<T>,
  modelKey: string,
  jobLevel: number | undefined,
): Readonly<QueuedLoad> {
  const version = source.estimator.version;
  const revision = source.revision;
  if (revision === undefined || version === undefined) return computeQueuedLoad(source, modelKey, jobLevel, version, uncached);
  const hit = revision.cached.get(modelKey);
  if (hit !== undefined && hit.revision === revision.value && hit.version === version && hit.level === jobLevel) {
    return hit;
  }
  const out = hit ?? emptyQueuedLoad();
  if (hit === undefined) revision.cached.set(modelKey, out);
  computeQueuedLoad(source, modelKey, jobLevel, version, out);
  out.revision = revision.value;
  out.version = version;
  out.level = jobLevel;
  return out;
}

/** Walks the model queues (never their jobs) in pickReadyQueue's turn-taking order; writes into `out`. */
function computeQueuedLoad<T extends BatchEntry>(
  source: DeviceLoadSource<T>,
  modelKey: string,
  jobLevel: number | undefined,
  version: number | undefined,
  out: QueuedLoad,
): QueuedLoad {
  const own = source.queues.get(modelKey);
  const ownHead = own?.jobs.peek()?.level;
  /** The level the job's batch competes at for a slot. */
  const ownLevel = jobLevel ?? ownHead;
  const ownServed = own?.lastServed ?? -1;
  let ownTurns = 0;
  let openBatchRows = 0;
  let aheadMs = 0;
  let allMs = 0;
  if (own !== undefined && ownHead !== undefined) {
    const work = own.queuedWork(source.serviceMs, version);
    const batches = own.batching.maxBatchSize > 0;
    // all its work but the open batch, as backlogPerSlotMs() takes it
    allMs = batches ? work.allMs - work.openMs : work.allMs;
    // its model's queued jobs run first unless the job outranks them all
    if (ownLevel === undefined || ownHead <= ownLevel) {
      ownTurns = batches ? work.batches - 1 : work.batches;
      if (batches) openBatchRows = work.openRows;
      aheadMs = leadingBatchesMs(work, ownTurns, batches);
    }
  }
  let aheadBatches = ownTurns;
  let overtakenBatches = 0;
  let ownSeen = false; // a queue not made yet would be the map's last: every queue is before it
  for (const q of source.queues.values()) {
    if (q === own) ownSeen = true;
    if (q === own || q.jobs.size === 0) continue;
    const work = q.queuedWork(source.serviceMs, version);
    allMs += work.allMs;
    const level = q.jobs.peek()!.level;
    const takingTurns = ownLevel === undefined || level === ownLevel;
    // pickReadyQueue's tie-break: served less recently, then earlier in the map (never served: -1)
    const first = q.lastServed < ownServed || (q.lastServed === ownServed && !ownSeen);
    const turns = takingTurns ? Math.min(work.batches, ownTurns + (first ? 1 : 0)) : level < ownLevel ? work.batches : 0;
    if (takingTurns) overtakenBatches += work.batches - turns;
    aheadBatches += turns;
    aheadMs += leadingBatchesMs(work, turns, q.batching.maxBatchSize > 0);
  }
  out.aheadMs = aheadMs;
  out.aheadBatches = aheadBatches;
  out.overtakenBatches = overtakenBatches;
  out.allMs = allMs;
  out.openBatchRows = openBatchRows;
  return out;
}

/**
 * Predicted ms of a queue's first `n` batches: the full batches come first, the open one last; the
 * running sums do not keep the order of a model that does not batch, so its jobs count at their mean.
 */
function leadingBatchesMs(work: Readonly<QueuedWork>, n: number, batches: boolean): number {
  if (n <= 0) return 0;
  if (n >= work.batches) return work.allMs;
  return batches ? (n * (work.allMs - work.openMs)) / (work.batches - 1) : (n * work.allMs) / work.batches;
}

/**
 * The estimator's version as one device's cached figures should read it: its per-device version
 * when it has one (ServiceTimeEstimator.versionOf), else the global one.
 */
export function deviceEstimatorVersion(estimator: ServiceTimeEstimator, deviceId: string): { readonly version?: number } {
  if (estimator.versionOf === undefined) return estimator;
  return {
    get version() {
      return estimator.versionOf!(deviceId);
    },
  };
}
