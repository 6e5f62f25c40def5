import {
  deviceEstimatorVersion,
  deviceLoad,
  isExpired,
  ModelBatchQueue,
  pickReadyQueue,
  QueuesRevision,
  type BatchingSettings,
  type DeviceLoadSource,
  type DeviceSnapshot,
  type ServiceTimeEstimator,
} from '@switchyard/scheduler';
import type { SimDeviceSpec } from './interfaces/simulation-config.interface';
import { noiseFactor } from './prng';
import type { SimJob, SimRun } from './sim-job.interface';

/** What startRuns() did. */
export interface SimStart {
  started: SimRun[];
  /** Jobs taken from a queue after their deadline: dropped, as the dispatcher drops them. */
  expired: SimJob[];
  /** When a batch held back (max queue delay) becomes ready while a slot is free. */
  wakeAt?: number;
}

/**
 * A simulated device: the dispatcher's own queues and planning (ModelBatchQueue per model,
 * pickReadyQueue for a free slot, deviceLoad for the snapshot, the one expiry rule) in front of
 * `capacity` slots whose runs take the device model's true time.
 *
 * @remarks It answers policies with a DeviceSnapshot built from the estimator's predictions
 * only (`predictMs`, production's predictServiceMs rule), never from the true service times.
 */
export class SimDevice {
  readonly snapshot: DeviceSnapshot;
  readonly capacity: number;
  private readonly queues = new Map<string, ModelBatchQueue<SimJob>>();
  private readonly running: SimRun[] = [];
  private readonly runnable = new Map<string, boolean>();
  /** Model of the last run of each slot that is free now (a slot switching models pays switchMs). */
  private readonly idleSlots: (string | undefined)[];
  private readonly slotOf = new Map<SimRun, string>();
  private queued = 0;
  private dispatches = 0;
  private readonly loadSource: DeviceLoadSource<SimJob>;
  private readonly queuesRevision = new QueuesRevision();

  constructor(
    readonly spec: SimDeviceSpec,
    readonly index: number,
    private readonly batchingOf: (modelKey: string) => BatchingSettings,
    private readonly predictMs: (modelKey: string, rows: number) => number,
    estimator: ServiceTimeEstimator,
  ) {
    this.capacity = spec.capacity ?? 1;
    this.loadSource = {
      running: this.running,
      queues: this.queues,
      serviceMs: predictMs,
      estimator: deviceEstimatorVersion(estimator, spec.id),
      revision: this.queuesRevision,
    };
    this.idleSlots = Array.from({ length: this.capacity }, () => undefined);
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
      overtakenBatches: 0,
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

  /** Refreshes `snapshot` for placing a job of `modelKey` at priority `level` at `now` (deviceLoad, as the dispatcher). */
  refreshSnapshot(modelKey: string, now: number, level?: number): DeviceSnapshot {
    const s = this.snapshot;
    s.canRun = this.canRun(modelKey);
    s.inFlight = this.running.length;
    s.queuedJobs = this.queued;
    s.maxBatchSize = this.batchingOf(modelKey).maxBatchSize;
    const load = deviceLoad(this.loadSource, modelKey, now, this.capacity, this.running.length, level);
    s.backlogMs = load.backlogMs;
    s.openBatchRows = load.openBatchRows;
    s.overtakenBatches = load.overtakenBatches;
    return s;
  }

  enqueue(job: SimJob): void {
    let queue = this.queues.get(job.modelKey);
    if (queue === undefined) {
      queue = new ModelBatchQueue<SimJob>(job.modelKey, this.batchingOf(job.modelKey), this.queuesRevision);
      this.queues.set(job.modelKey, queue);
    }
    queue.jobs.push(job);
    this.queued++;
  }

  /** Drops a queued job whose deadline came (the dispatcher's expiry timer); false when it left the queue. */
  expire(job: SimJob): boolean {
    if (!this.queues.get(job.modelKey)?.jobs.remove(job)) return false;
    this.queued--;
    return true;
  }

  /** Fills free slots with ready batches, as the dispatcher's pump does. */
  startRuns(now: number, random: () => number): SimStart {
    const out: SimStart = { started: [], expired: [] };
    while (this.running.length < this.capacity && this.queued > 0) {
      const { best, nextReadyAt } = pickReadyQueue(this.queues.values(), now, this.predictMs);
      out.wakeAt = nextReadyAt;
      if (!best) break;
      const taken = best.take();
      this.queued -= taken.length;
      const jobs: SimJob[] = [];
      let rows = 0;
      for (const job of taken) {
        if (isExpired(job, now)) out.expired.push(job);
        else {
          jobs.push(job);
          rows += job.rows;
        }
      }
      if (jobs.length) out.started.push(this.start(best, jobs, rows, now, random));
    }
    return out;
  }

  finish(run: SimRun): void {
    const i = this.running.indexOf(run);
    if (i >= 0) this.running.splice(i, 1);
    this.idleSlots.push(this.slotOf.get(run));
    this.slotOf.delete(run);
  }

  private start(queue: ModelBatchQueue<SimJob>, jobs: SimJob[], rows: number, now: number, random: () => number): SimRun {
    queue.lastServed = this.dispatches++;
    const lastModel = this.idleSlots.shift();
    const switching = lastModel !== undefined && lastModel !== queue.modelKey;
    const trueMs = (this.spec.serviceMs(queue.modelKey, rows) ?? 0) + (switching ? (this.spec.switchMs ?? 0) : 0);
    const run: SimRun = {
      deviceIndex: this.index,
      modelKey: queue.modelKey,
      jobs,
      rows,
      startedAt: now,
      predictedMs: this.predictMs(queue.modelKey, rows),
      actualMs: trueMs * noiseFactor(random, this.spec.noise ?? 0),
    };
    this.running.push(run);
    this.slotOf.set(run, queue.modelKey);
    return run;
  }
}
