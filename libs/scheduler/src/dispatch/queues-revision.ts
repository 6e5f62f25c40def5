/** The queued part of a device's load for one job (deviceLoad()), and the state it was computed in. */
export interface QueuedLoad {
  revision: number;
  version: number | undefined;
  level: number | undefined;
  /** Predicted ms of the queued batches dispatched before the job's batch. */
  aheadMs: number;
  aheadBatches: number;
  overtakenBatches: number;
  /** Predicted ms of all queued work but the job's model's open batch. */
  allMs: number;
  openBatchRows: number;
}

/**
 * A counter shared by the queues of one device (ModelBatchQueue's and PriorityJobQueue's
 * `revision` argument): it moves with every change to any of them (a job queued or leaving, a
 * queue served), so figures derived from all of a device's queues can be cached until it moves
 * (deviceLoad() keeps its per-model figures here).
 */
export class QueuesRevision {
  value = 0;
  /** deviceLoad()'s cached figures, per model key (see device-load.ts). */
  readonly cached = new Map<string, QueuedLoad>();

  bump(): void {
    this.value++;
  }
}
