/**
 * Completions of one device over a sliding time window: throughput and latency percentiles.
 *
 * @remarks Times are ms on one monotonic clock (performance.now()). At most `maxEntries` are
 * kept; beyond that the oldest go first, so under extreme load the window is shorter, never
 * larger in memory.
 */
export class CompletionWindow {
  private times: number[] = [];
  private latencies: number[] = [];
  private head = 0;

  constructor(
    readonly windowMs: number,
    private readonly maxEntries = 20_000,
  ) {}

  record(atMs: number, latencyMs: number): void {
    this.times.push(atMs);
    this.latencies.push(latencyMs);
    if (this.times.length - this.head > this.maxEntries) this.head++;
    this.compact();
  }

  /** Completions per second over the window ending at `nowMs`. */
  throughputPerSecond(nowMs: number): number {
    this.prune(nowMs);
    return (this.times.length - this.head) / (this.windowMs / 1000);
  }

  /** Nearest-rank quantile (0 < q <= 1) of the latencies in the window; null when it is empty. */
  quantile(nowMs: number, q: number): number | null {
    this.prune(nowMs);
    if (this.times.length === this.head) return null;
    const sorted = this.latencies.slice(this.head).sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  }

  private prune(nowMs: number): void {
    const from = nowMs - this.windowMs;
    while (this.head < this.times.length && this.times[this.head] <= from) this.head++;
    this.compact();
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.latencies = this.latencies.slice(this.head);
      this.head = 0;
    }
  }
}
