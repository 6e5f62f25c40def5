import type { JobPayload } from './job-payload.interface';
import type { JobProgress } from './job-progress.interface';

/**
 * One delivery of a job to this node, as the processor sees it (a Bull job, or a row taken from
 * the SQLite queue). Either queue may deliver a job more than once.
 */
export interface JobDelivery {
  id: string | number;
  data: JobPayload;
  /** Failed attempts before this one. */
  attemptsMade: number;
  /** This attempt's failure is final: no retry. */
  discard(): void;
  progress(value: JobProgress): Promise<unknown>;
}
