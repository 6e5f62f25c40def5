import { backlogPerSlotMs } from '../framework/backlog-per-slot';
import type { ServiceTimeEstimator } from '../interfaces/service-time-estimator.interface';
import type { BatchEntry } from './batch-entry.interface';
import type { ModelBatchQueue } from './model-batch-queue';

/** What a policy needs of a device's queues for one model (see DeviceSnapshot). */
export interface DeviceLoad {
  backlogMs: number;
  openBatchRows: number;
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
 * The device's load as a job of `modelKey` sees it (DeviceSnapshot's backlogMs and
 * openBatchRows), shared by the dispatcher and the simulator: the running batches' remaining
 * work plus the queued batches' predicted work, with the open batch of that model (the last
 * batch its queue would form, which the job may join) left out, as backlogPerSlotMs() expects.
 * Cost: one step per running batch and per model queue, never per queued job.
 */
export function deviceLoad<T extends BatchEntry>(
  source: DeviceLoadSource<T>,
  modelKey: string,
  now: number,
  capacity: number,
  inFlight: number,
): DeviceLoad {
  let workMs = 0;
  for (const run of source.running) workMs += remainingRunMs(run.predictedMs, now - run.startedAt);
  let waitingBatches = 0;
  let openBatchRows = 0;
  const version = source.estimator.version;
  for (const q of source.queues.values()) {
    if (q.jobs.size === 0) continue;
    const work = q.queuedWork(source.serviceMs, version);
    workMs += work.allMs;
    waitingBatches += work.batches;
    if (q.modelKey === modelKey && q.batching.maxBatchSize > 0 && work.batches > 0) {
      openBatchRows = work.openRows;
      workMs -= work.openMs;
      waitingBatches--;
    }
  }
  const slots = capacity > 1 ? capacity : 1;
  return {
    backlogMs: backlogPerSlotMs(workMs, inFlight, waitingBatches, slots),
    openBatchRows,
    workMs: workMs / slots,
    capacity,
    inFlight,
  };
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
