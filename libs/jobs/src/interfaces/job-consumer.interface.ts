/** The service that runs this node's share of the queue (token JOB_CONSUMER), on either store. */
export interface JobConsumer {
  /** Jobs running here now, and the most this node runs at once. */
  load(): { inFlight: number; concurrency: number };
  /** Takes no more jobs and waits up to `waitMs` for the running ones (the drain calls it first; idempotent). */
  stop(waitMs?: number): Promise<void>;
}
