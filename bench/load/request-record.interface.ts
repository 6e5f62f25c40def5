/** A request the load generator is about to send (times in ms from the start of the lane). */
export interface LoadRequest {
  seq: number;
  classIndex: number;
  /** When the request was meant to go out: latency counts from here. */
  intendedMs: number;
}

/** What a target reports back for one answered request. */
export interface SendResult {
  deviceId: string;
  /** Rows of the session run that served it (> its batch when dynamically batched). */
  executedBatchSize?: number;
  queueMs?: number;
  /** Session run time of the batch that served it. */
  computeMs?: number;
}

/** One request of a lane, as written to raw/<lane>.jsonl. */
export interface RequestRecord {
  /** Which run of the lane (scenarios with several rounds). */
  round?: number;
  seq: number;
  classIndex: number;
  model: string;
  batchSize: number;
  intendedMs: number;
  sentMs: number;
  /** When the answer came back; for an unfinished request, when the lane gave up waiting. */
  doneMs: number;
  /** doneMs - intendedMs (a lower bound for an unfinished request). */
  latencyMs: number;
  ok: boolean;
  /** Still outstanding when the lane's drain time ran out. */
  unfinished?: boolean;
  error?: string;
  deviceId?: string;
  executedBatchSize?: number;
  queueMs?: number;
  computeMs?: number;
}
