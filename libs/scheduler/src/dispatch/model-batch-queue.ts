import type { ServedModel } from '@switchyard/models';
import type { BatchEntry } from './batch-entry.interface';
import { PriorityJobQueue } from './priority-job-queue';
import type { QueuedJob } from './queued-job.interface';
import type { QueuesRevision } from './queues-revision';

/** The dynamic batcher's settings for one model (from its config.json). */
export interface BatchingSettings {
  /** 0: the model does not batch; every job runs alone. */
  maxBatchSize: number;
  /** Longest a batch that is not full waits for more rows once it could run. */
  maxQueueDelayMs: number;
  /** Batch sizes worth sending at once even before the delay ends. */
  preferredBatchSizes: readonly number[];
}

/** Compatible jobs scanned to form one batch: bounds the cost of a pump on a long queue. */
const SCAN_LIMIT = 256;

export function batchingSettings(model: ServedModel): BatchingSettings {
  const db = model.config.dynamic_batching;
  return {
    // BYTES rows vary in size: such a model's requests run one at a time (never merged)
    maxBatchSize: [...(model.inputs ?? []), ...(model.outputs ?? [])].some((t) => t.datatype === 'BYTES')
      ? 0
      : Math.max(0, model.maxBatchSize),
    maxQueueDelayMs: db ? (db.max_queue_delay_microseconds ?? 0) / 1000 : 0,
    preferredBatchSizes: db?.preferred_batch_size ?? [],
  };
}

/** The queued jobs of one model as the batches they will run in (see ModelBatchQueue.queuedWork). */
export interface QueuedWork {
  /** Predicted ms of all queued batches. */
  allMs: number;
  /** Predicted ms of the open batch (the last one, which a new compatible job may join); 0 when none. */
  openMs: number;
  batches: number;
  /** Rows of the open batch; 0 when nothing is queued or the model does not batch. */
  openRows: number;
}

interface BatchPlan<T> {
  jobs: T[];
  rows: number;
  /** Nothing more can join: max_batch_size reached, or a compatible job did not fit. */
  full: boolean;
}

/**
 * The queue of one model on one device and its dynamic batcher: the next batch is the head job
 * (highest priority, oldest) plus later compatible jobs in queue order, up to max_batch_size
 * rows. A batch that is not full waits until its oldest job has waited max_queue_delay.
 */
export class ModelBatchQueue<T extends BatchEntry = QueuedJob> {
  readonly jobs: PriorityJobQueue<T>;
  private served = -1;
  private readonly work: QueuedWork = { allMs: 0, openMs: 0, batches: 0, openRows: 0 };
  private workRevision = -1;
  private workVersion: number | undefined;

  /** @param revision the counter this device's queues share (QueuesRevision): moves with every change to this one. */
  constructor(
    readonly modelKey: string,
    readonly batching: BatchingSettings,
    private readonly revision?: QueuesRevision,
  ) {
    this.jobs = new PriorityJobQueue<T>(revision);
  }

  /** Dispatch counter value when this queue last sent a batch (fairness across models); -1 before its first. */
  get lastServed(): number {
    return this.served;
  }

  set lastServed(value: number) {
    this.served = value;
    this.revision?.bump();
  }

  /**
   * Clock time from which the next batch may be dispatched; undefined when empty. A batch that
   * is not full waits for more rows, but never so long that a job in it could no longer finish
   * by its deadline (`serviceMs` predicts the run).
   */
  readyAt(serviceMs: (rows: number) => number = () => 0): number | undefined {
    const plan = this.plan();
    if (!plan.jobs.length) return undefined;
    let oldest = Infinity;
    let deadline = Infinity;
    for (const j of plan.jobs) {
      if (j.enqueuedAt < oldest) oldest = j.enqueuedAt;
      if (j.deadlineAt !== undefined && j.deadlineAt < deadline) deadline = j.deadlineAt;
    }
    const { maxBatchSize, maxQueueDelayMs, preferredBatchSizes } = this.batching;
    if (maxBatchSize === 0 || maxQueueDelayMs <= 0 || plan.full || preferredBatchSizes.includes(plan.rows)) return oldest;
    const waitUntil = oldest + maxQueueDelayMs;
    return deadline === Infinity ? waitUntil : Math.max(oldest, Math.min(waitUntil, deadline - serviceMs(plan.rows)));
  }

  /** Removes and returns the next batch's jobs (in queue order). */
  take(): T[] {
    const { jobs } = this.plan();
    for (const j of jobs) this.jobs.remove(j);
    return jobs;
  }

  /**
   * The queued work as batches (for backlog accounting), from the queue's running sums, never by
   * walking the jobs: a batching model's rows are packed into full batches of max_batch_size and
   * one open batch of the rest (what the batcher forms when the queued jobs are compatible); a
   * model that does not batch runs each job alone. `serviceMs` predicts a run of so many rows of the model;
   * the answer is reused until the queue or `estimatorVersion` changes (none: computed each call).
   */
  queuedWork(serviceMs: (modelKey: string, rows: number) => number, estimatorVersion?: number): Readonly<QueuedWork> {
    const w = this.work;
    if (estimatorVersion !== undefined && this.workRevision === this.jobs.revision && this.workVersion === estimatorVersion) return w;
    const max = this.batching.maxBatchSize;
    const rows = this.jobs.rows;
    if (this.jobs.size === 0) {
      w.allMs = w.openMs = w.batches = w.openRows = 0;
    } else if (max === 0) {
      w.allMs = 0;
      for (const [size, n] of this.jobs.jobSizes) w.allMs += n * serviceMs(this.modelKey, size);
      w.batches = this.jobs.size;
      w.openMs = w.openRows = 0;
    } else {
      const full = Math.floor(rows / max);
      const rest = rows - full * max;
      const fullMs = full > 0 ? serviceMs(this.modelKey, max) : 0;
      w.openRows = rest > 0 ? rest : max;
      w.openMs = rest > 0 ? serviceMs(this.modelKey, rest) : fullMs;
      w.allMs = full * fullMs + (rest > 0 ? w.openMs : 0);
      w.batches = full + (rest > 0 ? 1 : 0);
    }
    this.workRevision = this.jobs.revision;
    this.workVersion = estimatorVersion;
    return w;
  }

  private plan(): BatchPlan<T> {
    const head = this.jobs.peek();
    if (!head) return { jobs: [], rows: 0, full: false };
    const max = this.batching.maxBatchSize;
    if (max === 0 || head.rows >= max) return { jobs: [head], rows: head.rows, full: true };
    const jobs: T[] = [];
    let rows = 0;
    let full = false;
    let scanned = 0;
    for (const entry of this.jobs.entries()) {
      if (++scanned > SCAN_LIMIT) break;
      if (entry.signature !== head.signature) continue;
      if (rows + entry.rows > max) {
        full = true;
        continue;
      }
      jobs.push(entry);
      rows += entry.rows;
      if (rows === max) return { jobs, rows, full: true };
    }
    return { jobs, rows, full };
  }
}
