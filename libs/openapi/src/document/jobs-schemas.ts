import { JOB_FIELD_SCHEMAS } from '@switchyard/jobs';
import { z } from 'zod';
import { inferRequestSchema, inferResponseSchema } from './kserve-schemas';

/**
 * The jobs API (libs/jobs: read-job-submission.ts, job-view.interface.ts, stream-messages.ts). The
 * jobs fields are the zod schemas readJobSubmission checks them with; the request is the KServe one.
 */
const { model_name, model_version, priority, deadline_ms, idempotency_key } = JOB_FIELD_SCHEMAS;
const jobRequest = inferRequestSchema.extend({
  model_name,
  model_version: model_version.optional(),
  priority: priority.optional(),
  deadline_ms: deadline_ms.optional(),
});
export const jobSubmissionSchema = z.union([
  jobRequest.extend({ idempotency_key: idempotency_key.optional() }),
  z.object({
    requests: z
      .array(jobRequest)
      .min(1)
      .describe('At most SWITCHYARD_JOBS_MAX_BATCH requests; each inherits the batch priority and deadline'),
    priority: priority.optional(),
    deadline_ms: deadline_ms.optional(),
    idempotency_key: idempotency_key.optional(),
  }),
]);
export const jobAcceptedSchema = z.object({ job_ids: z.array(z.string()), replayed: z.boolean() });

const jobState = z.enum(['waiting', 'delayed', 'paused', 'active', 'completed', 'failed', 'cancelled']);
export const jobViewSchema = z.object({
  id: z.string(),
  state: jobState,
  model_name: z.string(),
  model_version: z.string().optional(),
  priority: z.number().int().optional(),
  deadline_at: z.string().optional(),
  progress: z.object({ stage: z.enum(['queued', 'running', 'done']), percent: z.number() }),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  node: z.string().optional(),
  device: z.string().optional(),
  timings: z.object({
    submitted_at: z.string(),
    started_at: z.string().optional(),
    finished_at: z.string().optional(),
    queue_ms: z.number().optional(),
    run_ms: z.number().optional(),
  }),
  result: inferResponseSchema.optional(),
  error: z.string().optional(),
  errors: z.array(z.string()).optional(),
});

/** Frames of GET /v1/stream (a WebSocket): JSON text {"event", "data"} both ways. */
export const streamMessageSchema = z.union([
  z.object({ event: z.literal('ready'), data: z.object({ stream: z.string(), after: z.number().int(), last_seq: z.number().int() }) }),
  z.object({
    event: z.literal('accepted'),
    data: z.object({ ref: z.unknown().optional(), job_ids: z.array(z.string()), replayed: z.boolean() }),
  }),
  z.object({ event: z.literal('rejected'), data: z.object({ ref: z.unknown().optional(), status: z.number().int(), error: z.string() }) }),
  z.object({ event: z.literal('error'), data: z.object({ status: z.number().int(), error: z.string() }) }),
  z.object({
    event: z.literal('result'),
    data: jobViewSchema
      .pick({ model_name: true, model_version: true, node: true, device: true, result: true, error: true, errors: true })
      .extend({
        seq: z.number().int(),
        job_id: z.string(),
        state: z.enum(['completed', 'failed', 'cancelled']),
        attempt: z.number().int().optional(),
        timings: z.object({ submitted_at: z.string(), started_at: z.string().optional(), finished_at: z.string() }),
      }),
  }),
]);
