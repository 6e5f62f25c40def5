import { backlogPerSlotMs } from '@switchyard/scheduler';
import type { DeviceSnapshot } from '@switchyard/scheduler';
import type { ServiceTimeEstimate, ServiceTimeEstimator } from '@switchyard/scheduler';
import { readEstimate } from '@switchyard/scheduler';
import type { SimDeviceSpec } from './interfaces/simulation-config.interface';
import { noiseFactor } from './prng';
import type { SimJob, SimRun } from './sim-job.interface';
import { SimModelQueue } from './sim-model-queue';

/**
 * A simulated device: FIFO queues per model, `capacity` slots, and a dynamic batcher that, when a
 * slot frees, merges the jobs at the head of the oldest queue up to the model's max batch (a
 * max queue delay of 0: it never holds a batch back while a slot is free).
 *
 * @remarks It answers policies with a DeviceSnapshot built from the estimator's predictions
 * only (never from the true service times), as production does.
 */
export class SimDevice {
  readonly snapshot: DeviceSnapshot;
  readonly capacity: number;
  private readonly queues = new Map<string, SimModelQueue>();
  private readonly running: SimRun[] = [];
  private readonly runnable = new Map<string, boolean>();
  private queued = 0;

  constructor(
    readonly spec: SimDeviceSpec,
    readonly index: number,
    private readonly maxBatchOf: (modelKey: string) => number,
  ) {
    this.capacity = spec.capacity ?? 1;
    this.snapshot = {
      deviceId: spec.id,
      kind: spec.kind,
      costWeight: spec.costWeight ?? 1,
      canRun: false,
      capacity: this.capacity,
      inFlight: 0,
      queuedJobs: 0,
      backlogMs: 0,
      openBatchRows: 0,
      maxBatchSize: 0,
    };
  }

  canRun(modelKey: string): boolean {
    let ok = this.runnable.get(modelKey);
    if (ok === undefined) {
      ok = this.spec.serviceMs(modelKey, 1) !== undefined;
      this.runnable.set(modelKey, ok);
    }
    return ok;
  }

  /** Refreshes `snapshot` for placing a job of `modelKey` at `now`. */
  refreshSnapshot(modelKey: string, now: number, estimator: ServiceTimeEstimator): DeviceSnapshot {
    const s = this.snapshot;
    s.canRun = this.canRun(modelKey);
    s.inFlight = this.running.length;
    s.queuedJobs = this.queued;
    s.maxBatchSize = this.maxBatchOf(modelKey);
    let work = 0;
    for (const run of this.running) {
      const left = run.predictedMs - (now - run.startedAt);
      if (left > 0) work += left;
    }
    let waiting = 0;
    s.openBatchRows = 0;
    for (const queue of this.queues.values()) {
      if (queue.jobCount === 0) continue;
      const open = queue.modelKey === modelKey && queue.maxBatch > 0;
      const estimate = (rows: number) => estimateMs(estimator, queue.modelKey, s.deviceId, rows);
      work += queue.workMs(estimate, open);
      waiting += open ? queue.batchCount - 1 : queue.batchCount;
      if (open) s.openBatchRows = queue.lastBatchRows;
    }
    s.backlogMs = backlogPerSlotMs(work, this.running.length, waiting, this.capacity);
    return s;
  }

  enqueue(job: SimJob): void {
    let queue = this.queues.get(job.modelKey);
    if (queue === undefined) {
      queue = new SimModelQueue(job.modelKey, this.maxBatchOf(job.modelKey));
      this.queues.set(job.modelKey, queue);
    }
    queue.push(job);
    this.queued++;
  }

  /** Starts batches while a slot is free and jobs wait; returns the runs started. */
  startRuns(now: number, estimator: ServiceTimeEstimator, random: () => number): SimRun[] {
    const started: SimRun[] = [];
    while (this.running.length < this.capacity && this.queued > 0) {
      const queue = this.oldestQueue();
      const { jobs, rows } = queue.takeBatch();
      this.queued -= jobs.length;
      const trueMs = this.spec.serviceMs(queue.modelKey, rows) ?? 0;
      const run: SimRun = {
        deviceIndex: this.index,
        modelKey: queue.modelKey,
        jobs,
        rows,
        startedAt: now,
        predictedMs: estimateMs(estimator, queue.modelKey, this.spec.id, rows),
        actualMs: trueMs * noiseFactor(random, this.spec.noise ?? 0),
      };
      this.running.push(run);
      started.push(run);
    }
    return started;
  }

  finish(run: SimRun): void {
    const i = this.running.indexOf(run);
    if (i >= 0) this.running.splice(i, 1);
  }

  private oldestQueue(): SimModelQueue {
    let best: SimModelQueue | undefined;
    for (const queue of this.queues.values()) {
      if (queue.jobCount > 0 && (best === undefined || queue.headSeq < best.headSeq)) best = queue;
    }
    return best as SimModelQueue;
  }
}

const scratch: ServiceTimeEstimate = { ms: 0, samples: 0 };

/** Predicted ms of a run (0 when the pair is unknown). */
function estimateMs(estimator: ServiceTimeEstimator, modelKey: string, deviceId: string, rows: number): number {
  return readEstimate(estimator, modelKey, deviceId, rows, scratch) ? scratch.ms : 0;
}
