import { backlogPerSlotMs } from '../framework/backlog-per-slot';
import type { BatchEntry } from './batch-entry.interface';
import type { ModelBatchQueue } from './model-batch-queue';

/** What a policy needs of a device's queues for one model (see DeviceSnapshot). */
export interface DeviceLoad {
  backlogMs: number;
  openBatchRows: number;
  /** All predicted work queued and running, per slot (for Retry-After). */
  workMs: number;
}

/** A batch running on a device, as load accounting sees it. */
export interface RunningBatchLoad {
  startedAt: number;
  predictedMs: number;
}

/** What deviceLoad() reads of a device: the dispatcher's and the simulator's state alike. */
export interface DeviceLoadInput<T extends BatchEntry> {
  now: number;
  /** The model of the job being placed (its open batch is left out of the backlog). */
  modelKey: string;
  capacity: number;
  /** Tasks running in the device's pool (may exceed `running` while calibration holds slots). */
  inFlight: number;
  running: Iterable<RunningBatchLoad>;
  queues: Iterable<ModelBatchQueue<T>>;
  /** Predicted ms of one run of `rows` rows of a model on this device (predictServiceMs()). */
  serviceMs(modelKey: string, rows: number): number;
  /** The estimator's version, when it has one: queued work is then recomputed only when it changes. */
  estimatorVersion?: number;
}

/** Predicted ms a running batch still needs. */
export function remainingRunMs(run: RunningBatchLoad, now: number): number {
  const left = run.predictedMs - (now - run.startedAt);
  return left > 0 ? left : 0;
}

/**
 * The device's load as a job of `modelKey` sees it (DeviceSnapshot's backlogMs and
 * openBatchRows), shared by the dispatcher and the simulator: the running batches' remaining
 * work plus the queued batches' predicted work, with the open batch of that model (the last
 * batch its queue would form, which the job may join) left out, as backlogPerSlotMs() expects.
 * Cost: one step per running batch and per model queue, never per queued job.
 */
export function deviceLoad<T extends BatchEntry>(input: DeviceLoadInput<T>): DeviceLoad {
  const { now, modelKey } = input;
  let workMs = 0;
  for (const run of input.running) workMs += remainingRunMs(run, now);
  let waitingBatches = 0;
  let openBatchRows = 0;
  for (const q of input.queues) {
    if (q.jobs.size === 0) continue;
    const work = q.queuedWork(input.serviceMs, input.estimatorVersion);
    workMs += work.allMs;
    waitingBatches += work.batches;
    if (q.modelKey === modelKey && q.batching.maxBatchSize > 0 && work.batches > 0) {
      openBatchRows = work.openRows;
      workMs -= work.openMs;
      waitingBatches--;
    }
  }
  const capacity = input.capacity > 1 ? input.capacity : 1;
  return { backlogMs: backlogPerSlotMs(workMs, input.inFlight, waitingBatches, capacity), openBatchRows, workMs: workMs / capacity };
}
