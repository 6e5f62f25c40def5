import type { SimJob } from './sim-job.interface';

/**
 * The FIFO of one model on one simulated device, kept packed into the batches the dynamic batcher
 * will run (greedy from the head, up to the model's max batch): a job joins the last batch when it
 * fits, and a free slot takes the first batch. A histogram of batch sizes gives the queued work
 * in O(distinct sizes), so big queues do not make every decision slow.
 */
export class SimModelQueue {
  private readonly jobs: SimJob[] = [];
  private jobHead = 0;
  private readonly batchRows: number[] = [];
  private readonly batchJobs: number[] = [];
  private batchHead = 0;
  /** Packed batch rows -> number of batches of that size. */
  private readonly histogram = new Map<number, number>();

  constructor(
    readonly modelKey: string,
    /** 0: the model does not batch (one job per run). */
    readonly maxBatch: number,
  ) {}

  get jobCount(): number {
    return this.jobs.length - this.jobHead;
  }

  get batchCount(): number {
    return this.batchRows.length - this.batchHead;
  }

  /** Sequence number of the oldest job (queues are served oldest head first). */
  get headSeq(): number {
    return this.jobs[this.jobHead].seq;
  }

  /** Rows of the last (open) batch; 0 when empty. */
  get lastBatchRows(): number {
    return this.batchCount > 0 ? this.batchRows[this.batchRows.length - 1] : 0;
  }

  push(job: SimJob): void {
    this.jobs.push(job);
    const last = this.batchRows.length - 1;
    if (this.batchCount > 0 && this.maxBatch > 0 && this.batchRows[last] + job.batchSize <= this.maxBatch) {
      this.count(this.batchRows[last], -1);
      this.batchRows[last] += job.batchSize;
      this.batchJobs[last]++;
      this.count(this.batchRows[last], 1);
    } else {
      this.batchRows.push(job.batchSize);
      this.batchJobs.push(1);
      this.count(job.batchSize, 1);
    }
  }

  /** Removes and returns the first batch's jobs and rows. */
  takeBatch(): { jobs: SimJob[]; rows: number } {
    const rows = this.batchRows[this.batchHead];
    const n = this.batchJobs[this.batchHead];
    this.batchHead++;
    this.count(rows, -1);
    const jobs = this.jobs.slice(this.jobHead, this.jobHead + n);
    this.jobHead += n;
    this.compact();
    return { jobs, rows };
  }

  /** Predicted ms of the queued batches (all, or all but the open one). */
  workMs(estimateMs: (rows: number) => number, excludeOpenBatch: boolean): number {
    let work = 0;
    for (const [rows, count] of this.histogram) work += count * estimateMs(rows);
    if (excludeOpenBatch && this.batchCount > 0) work -= estimateMs(this.lastBatchRows);
    return work > 0 ? work : 0;
  }

  private count(rows: number, delta: number): void {
    const n = (this.histogram.get(rows) ?? 0) + delta;
    if (n === 0) this.histogram.delete(rows);
    else this.histogram.set(rows, n);
  }

  private compact(): void {
    if (this.jobHead > 1024 && this.jobHead * 2 > this.jobs.length) {
      this.jobs.splice(0, this.jobHead);
      this.jobHead = 0;
      this.batchRows.splice(0, this.batchHead);
      this.batchJobs.splice(0, this.batchHead);
      this.batchHead = 0;
    }
  }
}
