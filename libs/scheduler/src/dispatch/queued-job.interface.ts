import type { InferenceJob, JobOutcome, PlacementDecision } from '../interfaces/inference-job.interface';
import type { BatchEntry } from './batch-entry.interface';
import type { TimerHandle } from './clock.interface';

/**
 * A placed job waiting in (or dispatched from) a device's dispatch queue.
 *
 * @remarks `level` is the effective priority level (1 highest; Triton's 0 already mapped to the
 * default level); `rows` is the job's batch size. Exactly one of `resolve` / `reject` is called, once.
 */
export interface QueuedJob extends BatchEntry {
  job: InferenceJob;
  decision: PlacementDecision;
  expiryTimer?: TimerHandle;
  resolve(outcome: JobOutcome): void;
  reject(error: Error): void;
}
