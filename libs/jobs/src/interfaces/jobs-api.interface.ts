import type { JobView } from './job-view.interface';
import type { SubmitOptions, SubmitResult } from './job-submission.interface';

/**
 * The jobs API behind /v1/jobs and the stream (token JOBS_API).
 *
 * @remarks
 * - `submit` validates every request against its model before anything is enqueued: one bad
 *   request refuses the whole submission (400/404) and no job is created.
 * - With the same idempotency key and body, `submit` returns the first submission's job ids;
 *   with the same key and another body it refuses (409).
 * - `cancel` removes a job that has not started (waiting or delayed); a running or finished job
 *   is a 409.
 * - With a `tenant`, `get` and `cancel` see only that tenant's jobs (another's is a 404, as if
 *   unknown); idempotency keys are per tenant; job ids are random, never derived from a key; a
 *   submission that would take the tenant over its `jobs_queued` limit is refused (429).
 */
export interface JobsApi {
  submit(body: unknown, options: SubmitOptions): Promise<SubmitResult>;
  get(id: string, tenant?: string): Promise<JobView>;
  cancel(id: string, tenant?: string): Promise<JobView>;
}
