import type { WorkloadEntry } from './scenario.interface';

/** One (model, batch size) class of a workload mix with its share of all requests. */
export interface WorkloadClass {
  model: string;
  batchSize: number;
  /** Fraction of requests (the shares of a mix sum to 1). */
  share: number;
  priority?: number;
  timeoutMs?: number;
}

/** Expands a mix into its (model, batch size) classes: share = model share x batch probability. */
export function workloadClasses(workload: readonly WorkloadEntry[]): WorkloadClass[] {
  const total = workload.reduce((s, w) => s + w.share, 0);
  return workload.flatMap((w) => {
    const batches = Object.entries(w.batch).map(([size, p]) => [Number(size), p] as const);
    const batchTotal = batches.reduce((s, [, p]) => s + p, 0);
    return batches.map(([batchSize, p]) => ({
      model: w.model,
      batchSize,
      share: (w.share / total) * (p / batchTotal),
      ...(w.priority !== undefined ? { priority: w.priority } : {}),
      ...(w.timeoutMs !== undefined ? { timeoutMs: w.timeoutMs } : {}),
    }));
  });
}

/** Draws classes by share from a uniform [0, 1) source. */
export class WorkloadSampler {
  private readonly cumulative: number[];

  constructor(
    readonly classes: readonly WorkloadClass[],
    private readonly random: () => number,
  ) {
    let acc = 0;
    const total = classes.reduce((s, c) => s + c.share, 0);
    this.cumulative = classes.map((c) => (acc += c.share / total));
  }

  /** Index of the next class. */
  next(): number {
    const u = this.random();
    let i = 0;
    while (i < this.cumulative.length - 1 && u >= this.cumulative[i]) i++;
    return i;
  }
}
