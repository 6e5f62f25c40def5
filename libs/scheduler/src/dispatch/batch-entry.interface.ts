/**
 * What the dispatch queues and the batch planner read of a queued job: the production dispatcher's
 * QueuedJob and the simulator's job both are one, so both run the same queue and planning code.
 *
 * @remarks `level` is the effective priority level (1 highest). Times are on the scheduler's clock.
 */
export interface BatchEntry {
  level: number;
  /** Clock time the job entered the queue. */
  enqueuedAt: number;
  /** Clock time after which it must not be dispatched. */
  deadlineAt?: number;
  /** Jobs with equal signatures may share a session run (see batchSignature()). */
  signature: string;
  /** Rows of the job (its batch size). */
  rows: number;
}

/** The one expiry rule: a job whose deadline has come is not dispatched. */
export function isExpired(entry: BatchEntry, now: number): boolean {
  return entry.deadlineAt !== undefined && entry.deadlineAt <= now;
}
