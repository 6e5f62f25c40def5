/** Requests of one version over an analysis interval: count, server errors, latencies for the p99. */
export class LatencyWindow {
  requests = 0;
  errors = 0;
  private readonly latencies: number[] = [];

  record(ok: boolean, ms: number): void {
    this.requests++;
    if (!ok) this.errors++;
    else this.latencies.push(ms);
  }

  errorRate(): number | null {
    return this.requests ? this.errors / this.requests : null;
  }

  /** Nearest-rank p99 of the successful requests' latency; null when there were none. */
  p99(): number | null {
    if (this.latencies.length === 0) return null;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)];
  }
}
