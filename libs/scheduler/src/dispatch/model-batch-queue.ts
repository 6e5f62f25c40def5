import type { ServedModel } from '@switchyard/models';
import { PriorityJobQueue } from './priority-job-queue';
import type { QueuedJob } from './queued-job.interface';

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
    maxBatchSize: [...(model.inputs ?? []), ...(model.outputs ?? [])].some((t) => t.datatype === 'BYTES') ? 0 : Math.max(0, model.maxBatchSize),
    maxQueueDelayMs: db ? (db.max_queue_delay_microseconds ?? 0) / 1000 : 0,
    preferredBatchSizes: db?.preferred_batch_size ?? [],
  };
}

interface BatchPlan {
  jobs: QueuedJob[];
  rows: number;
  /** Nothing more can join: max_batch_size reached, or a compatible job did not fit. */
  full: boolean;
}

/**
 * The queue of one model on one device and its dynamic batcher: the next batch is the head job
 * (highest priority, oldest) plus later compatible jobs in queue order, up to max_batch_size
 * rows. A batch that is not full waits until its oldest job has waited max_queue_delay.
 */
export class ModelBatchQueue {
  readonly jobs = new PriorityJobQueue();
  /** Dispatch counter value when this queue last sent a batch (fairness across models). */
  lastServed = -1;

  constructor(
    readonly modelKey: string,
    readonly batching: BatchingSettings,
  ) {}

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
  take(): QueuedJob[] {
    const { jobs } = this.plan();
    for (const j of jobs) this.jobs.remove(j);
    return jobs;
  }

  /**
   * Rows of each batch the queued jobs would form, in order (greedy in queue order, as the
   * simulator groups them): for backlog prediction. The last one is the open batch, which new
   * compatible jobs may still join.
   */
  pendingBatchRows(): number[] {
    const max = this.batching.maxBatchSize;
    const out: number[] = [];
    let rows = 0;
    for (const entry of this.jobs.entries()) {
      const b = entry.job.batchSize;
      if (rows > 0 && (max === 0 || rows + b > max)) {
        out.push(rows);
        rows = 0;
      }
      rows += b;
    }
    if (rows > 0) out.push(rows);
    return out;
  }

  private plan(): BatchPlan {
    const head = this.jobs.peek();
    if (!head) return { jobs: [], rows: 0, full: false };
    const max = this.batching.maxBatchSize;
    if (max === 0 || head.job.batchSize >= max) return { jobs: [head], rows: head.job.batchSize, full: true };
    const jobs: QueuedJob[] = [];
    let rows = 0;
    let full = false;
    let scanned = 0;
    for (const entry of this.jobs.entries()) {
      if (++scanned > SCAN_LIMIT) break;
      if (entry.signature !== head.signature) continue;
      if (rows + entry.job.batchSize > max) {
        full = true;
        continue;
      }
      jobs.push(entry);
      rows += entry.job.batchSize;
      if (rows === max) return { jobs, rows, full: true };
    }
    return { jobs, rows, full };
  }
}
