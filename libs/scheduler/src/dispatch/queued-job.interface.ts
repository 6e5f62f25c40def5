import type { InferenceJob, JobOutcome, PlacementDecision } from '../interfaces/inference-job.interface';
import type { TimerHandle } from './clock.interface';

/**
 * A placed job waiting in (or dispatched from) a device's dispatch queue.
 *
 * @remarks `level` is the effective priority level (1 highest; Triton's 0 already mapped to the
 * default level). Exactly one of `resolve` / `reject` is called, once.
 */
export interface QueuedJob {
  job: InferenceJob;
  decision: PlacementDecision;
  level: number;
  /** Scheduler clock time the job entered the queue. */
  enqueuedAt: number;
  /** Scheduler clock time after which it must not be dispatched. */
  deadlineAt?: number;
  /** See batchSignature(): jobs with equal signatures may share a session run. */
  signature: string;
  expiryTimer?: TimerHandle;
  resolve(outcome: JobOutcome): void;
  reject(error: Error): void;
}
