/** One placement decision and, once the job settled, how it went (GET /v1/scheduler). */
export interface DecisionRecord {
  /** ISO time of the decision. */
  at: string;
  jobId: string;
  policy: string;
  model: string;
  deviceId: string;
  batchSize: number;
  /** The policy's predicted ms from decision to finish. */
  predictedMs?: number;
  /** Measured ms from decision to finish. */
  actualMs?: number;
  /** Rows of the session run that served it (> batchSize when batched with others). */
  executedBatchSize?: number;
  decisionUs: number;
  outcome: 'pending' | 'ok' | 'failed';
  error?: string;
}

/**
 * The last `size` decisions, newest first; records are updated in place when jobs settle. The
 * time of each is kept as a number and printed only when the log is read (a decision is made per
 * request; the log is read rarely).
 */
export class DecisionLog {
  private readonly ring: Array<Omit<DecisionRecord, 'at'>> = [];
  private readonly times: number[] = [];
  private next = 0;

  constructor(private readonly size = 50) {}

  /** Adds a record made at `atMs` (epoch ms, now by default); returns it for updates in place. */
  add<R extends Omit<DecisionRecord, 'at'>>(record: R, atMs = Date.now()): R {
    if (this.ring.length < this.size) {
      this.ring.push(record);
      this.times.push(atMs);
    } else {
      this.ring[this.next] = record;
      this.times[this.next] = atMs;
    }
    this.next = (this.next + 1) % this.size;
    return record;
  }

  recent(): DecisionRecord[] {
    const n = this.ring.length;
    const out: DecisionRecord[] = [];
    for (let i = 1; i <= n; i++) {
      const k = (this.next - i + n) % n;
      out.push({ ...this.ring[k], at: new Date(this.times[k]).toISOString() });
    }
    return out;
  }
}
