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

/** The last `size` decisions, newest first; records are updated in place when jobs settle. */
export class DecisionLog {
  private readonly ring: DecisionRecord[] = [];
  private next = 0;

  constructor(private readonly size = 50) {}

  add(record: DecisionRecord): DecisionRecord {
    if (this.ring.length < this.size) this.ring.push(record);
    else this.ring[this.next] = record;
    this.next = (this.next + 1) % this.size;
    return record;
  }

  recent(): DecisionRecord[] {
    const n = this.ring.length;
    const out: DecisionRecord[] = [];
    for (let i = 1; i <= n; i++) out.push({ ...this.ring[(this.next - i + n) % n] });
    return out;
  }
}
