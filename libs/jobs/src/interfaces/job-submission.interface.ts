import type { Caller } from '@switchyard/common';

/** One inference request of a submission, with its queue options. */
export interface JobRequestSpec {
  model: string;
  version?: string;
  /** The KServe v2 request body, without the jobs API's own fields. */
  request: Record<string, unknown>;
  /** Queue priority, 1 is the highest. */
  priority: number;
  /** Must start within this many ms of submission. */
  deadlineMs?: number;
}

/** A parsed POST /v1/jobs body (or a stream "submit" message). */
export interface JobSubmission {
  requests: JobRequestSpec[];
  idempotencyKey?: string;
}

/** Where a submission came from besides its body. */
export interface SubmitOptions {
  /** The tenant submitting (absent when auth is off): its jobs, keys, allow-lists, ceiling and jobs_queued limit. */
  caller?: Caller;
  /** The Idempotency-Key header. */
  idempotencyKey?: string;
  /** Append outcomes to this result stream. */
  streamId?: string;
  /** The Inference-Header-Content-Length header (refused: jobs take JSON tensors). */
  inferenceHeaderLength?: string;
}

export interface SubmitResult {
  jobIds: string[];
  /** True when the idempotency key was seen before: the ids are those of the first submission. */
  replayed: boolean;
}
