import type { JobPayload } from './job-payload.interface';

/** A KServe v2 inference response as JSON. */
export type InferResponseJson = Record<string, unknown> & {
  model_name?: string;
  model_version?: string;
  parameters?: Record<string, unknown>;
};

/**
 * Runs one job's inference request (token JOB_RUNNER). Throws the /v2 path's typed errors;
 * `remainingMs` is what is left of the job's deadline.
 */
export interface JobRunner {
  run(payload: JobPayload, remainingMs: number | undefined): Promise<InferResponseJson>;
  /**
   * The remote tier the job is routed to, if any: the remote device its request pins, or the one
   * that serves its model when only remote tiers do (an edge node). Such a job waits through the
   * tier's outages (offline sync, docs/remote-tier.md).
   */
  remoteTier?(payload: JobPayload): string | undefined;
}
