import type { QueuedJob } from './queued-job.interface';

/**
 * Jobs ordered by priority level (1 first), FIFO within a level. Small levels are few, so a
 * sorted list of per-level FIFOs is enough.
 */
export class PriorityJobQueue {
  private readonly levels = new Map<number, QueuedJob[]>();
  private order: number[] = [];
  private count = 0;
  private totalRows = 0;

  get size(): number {
    return this.count;
  }

  /** Rows (sum of batch sizes) of the queued jobs. */
  get rows(): number {
    return this.totalRows;
  }

  push(entry: QueuedJob): void {
    let fifo = this.levels.get(entry.level);
    if (!fifo) {
      fifo = [];
      this.levels.set(entry.level, fifo);
      this.order = [...this.levels.keys()].sort((a, b) => a - b);
    }
    fifo.push(entry);
    this.count++;
    this.totalRows += entry.job.batchSize;
  }

  peek(): QueuedJob | undefined {
    for (const level of this.order) {
      const fifo = this.levels.get(level);
      if (fifo && fifo.length) return fifo[0];
    }
    return undefined;
  }

  /** Jobs in dispatch order (priority, then arrival). */
  *entries(): IterableIterator<QueuedJob> {
    for (const level of this.order) yield* this.levels.get(level) ?? [];
  }

  /** Removes one job; false when it is not queued (already dispatched or dropped). */
  remove(entry: QueuedJob): boolean {
    const fifo = this.levels.get(entry.level);
    const i = fifo ? fifo.indexOf(entry) : -1;
    if (!fifo || i < 0) return false;
    fifo.splice(i, 1);
    this.count--;
    this.totalRows -= entry.job.batchSize;
    if (!fifo.length) {
      this.levels.delete(entry.level);
      this.order = this.order.filter((l) => l !== entry.level);
    }
    return true;
  }

  /** Empties the queue, returning what was in it. */
  clear(): QueuedJob[] {
    const all = [...this.entries()];
    this.levels.clear();
    this.order = [];
    this.count = 0;
    this.totalRows = 0;
    return all;
  }
}
