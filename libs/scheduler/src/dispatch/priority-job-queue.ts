import type { BatchEntry } from './batch-entry.interface';
import type { QueuedJob } from './queued-job.interface';
import type { QueuesRevision } from './queues-revision';

/**
 * Jobs ordered by priority level (1 first), FIFO within a level. Small levels are few, so a
 * sorted list of per-level FIFOs is enough. Counts, rows and the number of jobs of each size are
 * kept as running sums, so that load accounting never walks the queue.
 */
export class PriorityJobQueue<T extends BatchEntry = QueuedJob> {
  private readonly levels = new Map<number, T[]>();
  private order: number[] = [];
  private count = 0;
  private totalRows = 0;
  private readonly sizes = new Map<number, number>();
  private changes = 0;

  /** @param shared moves with this queue's revision (the device's queues share one: QueuesRevision). */
  constructor(private readonly shared?: QueuesRevision) {}

  /** Changes with every push, removal and clear (lets derived figures be cached). */
  get revision(): number {
    return this.changes;
  }

  get size(): number {
    return this.count;
  }

  /** Rows (sum of batch sizes) of the queued jobs. */
  get rows(): number {
    return this.totalRows;
  }

  /** Job size (rows) -> number of queued jobs of that size. */
  get jobSizes(): ReadonlyMap<number, number> {
    return this.sizes;
  }

  push(entry: T): void {
    let fifo = this.levels.get(entry.level);
    if (!fifo) {
      fifo = [];
      this.levels.set(entry.level, fifo);
      this.order = [...this.levels.keys()].sort((a, b) => a - b);
    }
    fifo.push(entry);
    this.counted(entry, 1);
  }

  peek(): T | undefined {
    for (const level of this.order) {
      const fifo = this.levels.get(level);
      if (fifo && fifo.length) return fifo[0];
    }
    return undefined;
  }

  /** Jobs in dispatch order (priority, then arrival). */
  *entries(): IterableIterator<T> {
    for (const level of this.order) yield* this.levels.get(level) ?? [];
  }

  /** Removes one job; false when it is not queued (already dispatched or dropped). */
  remove(entry: T): boolean {
    const fifo = this.levels.get(entry.level);
    const i = !fifo ? -1 : fifo[0] === entry ? 0 : fifo.indexOf(entry);
    if (!fifo || i < 0) return false;
    if (i === 0) fifo.shift();
    else fifo.splice(i, 1);
    this.counted(entry, -1);
    if (!fifo.length) {
      this.levels.delete(entry.level);
      this.order = this.order.filter((l) => l !== entry.level);
    }
    return true;
  }

  /** Empties the queue, returning what was in it. */
  clear(): T[] {
    const all = [...this.entries()];
    this.levels.clear();
    this.order = [];
    this.count = 0;
    this.totalRows = 0;
    this.sizes.clear();
    this.changes++;
    this.shared?.bump();
    return all;
  }

  private counted(entry: T, delta: 1 | -1): void {
    this.changes++;
    this.shared?.bump();
    this.count += delta;
    this.totalRows += delta * entry.rows;
    const n = (this.sizes.get(entry.rows) ?? 0) + delta;
    if (n === 0) this.sizes.delete(entry.rows);
    else this.sizes.set(entry.rows, n);
  }
}
