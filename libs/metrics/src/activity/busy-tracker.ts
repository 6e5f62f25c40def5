/**
 * Wall time during which a device ran at least one job: the union of the jobs' run intervals,
 * so that the jobs of one merged batch (or overlapping runs on several workers) count once. It
 * is the same notion as nvidia-smi's utilisation, and works for every device.
 *
 * @remarks Runs are reported when they end, so mostly in end order: the merged intervals are
 * searched from the newest, which keeps a record O(1) in the usual case. Intervals that ended
 * more than a window ago are forgotten. Times are ms.
 */
export class BusyTracker {
  /** Merged, disjoint intervals sorted by start (and so by end); those before `head` are forgotten. */
  private starts: number[] = [];
  private ends: number[] = [];
  private head = 0;
  private totalMs = 0;

  constructor(readonly windowMs: number) {}

  /** Records a run that ended at `endMs` after `runMs`; returns the ms it newly made busy. */
  record(endMs: number, runMs: number): number {
    const s = endMs - Math.max(0, runMs);
    const e = endMs;
    if (!(e > s)) return 0;
    // Intervals i..last overlap or touch [s, e]; `first` is the lowest such index.
    let first = this.ends.length;
    let covered = 0;
    while (first > this.head && this.ends[first - 1] >= s) {
      first--;
      covered += Math.max(0, Math.min(e, this.ends[first]) - Math.max(s, this.starts[first]));
    }
    let last = first;
    while (last < this.starts.length && this.starts[last] <= e) last++;
    const start = first < last ? Math.min(s, this.starts[first]) : s;
    const end = first < last ? Math.max(e, this.ends[last - 1]) : e;
    this.starts.splice(first, last - first, start);
    this.ends.splice(first, last - first, end);
    const added = e - s - covered;
    this.totalMs += added;
    this.forget(e - this.windowMs);
    return added;
  }

  get busyMsTotal(): number {
    return this.totalMs;
  }

  /** Busy share of the window ending at `nowMs`, 0..1. */
  ratio(nowMs: number): number {
    const from = nowMs - this.windowMs;
    this.forget(from);
    let busy = 0;
    for (let i = this.head; i < this.ends.length; i++) busy += Math.max(0, Math.min(this.ends[i], nowMs) - Math.max(this.starts[i], from));
    return Math.min(1, busy / this.windowMs);
  }

  /**
   * Forgets the intervals that ended by `before`: moves `head` past them, and drops them from
   * the arrays only once they are most of them (a splice at the front per run moved the whole
   * window's intervals: one per request when runs do not overlap).
   */
  private forget(before: number): void {
    while (this.head < this.ends.length && this.ends[this.head] <= before) this.head++;
    if (this.head > 1024 && this.head * 2 > this.ends.length) {
      this.starts = this.starts.slice(this.head);
      this.ends = this.ends.slice(this.head);
      this.head = 0;
    }
  }
}
