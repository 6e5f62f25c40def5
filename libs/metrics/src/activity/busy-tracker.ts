/**
 * Wall time during which a device ran at least one job: the union of the jobs' run intervals,
 * so that the jobs of one merged batch (or overlapping runs on several workers) count once. It
 * is the same notion as nvidia-smi's utilisation, and works for every device.
 *
 * @remarks Intervals are reported when the run ends, in end order (events arrive so); a run
 * that ended before the busy frontier only adds its part after it. Times are ms.
 */
export class BusyTracker {
  private frontier = Number.NEGATIVE_INFINITY;
  private starts: number[] = [];
  private ends: number[] = [];
  private totalMs = 0;

  constructor(readonly windowMs: number) {}

  /** Records a run that ended at `endMs` after `runMs`; returns the newly busy ms. */
  record(endMs: number, runMs: number): number {
    const start = Math.max(endMs - Math.max(0, runMs), this.frontier);
    if (!(endMs > start)) return 0;
    this.frontier = endMs;
    this.starts.push(start);
    this.ends.push(endMs);
    this.totalMs += endMs - start;
    return endMs - start;
  }

  get busyMsTotal(): number {
    return this.totalMs;
  }

  /** Busy share of the window ending at `nowMs`, 0..1. */
  ratio(nowMs: number): number {
    const from = nowMs - this.windowMs;
    let drop = 0;
    while (drop < this.ends.length && this.ends[drop] <= from) drop++;
    if (drop > 0) {
      this.starts.splice(0, drop);
      this.ends.splice(0, drop);
    }
    let busy = 0;
    for (let i = 0; i < this.ends.length; i++) busy += Math.min(this.ends[i], nowMs) - Math.max(this.starts[i], from);
    return Math.min(1, Math.max(0, busy / this.windowMs));
  }
}
