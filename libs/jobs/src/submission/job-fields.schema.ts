import { z } from 'zod';

const MAX_PRIORITY = 1_000_000;
const MAX_DEADLINE_MS = 7 * 24 * 3600 * 1000;

/**
 * The fields the jobs API adds to a KServe inference request, as zod schemas: readJobSubmission
 * checks each field with these (and words its own 400s), and the OpenAPI document shows them
 * through z.toJSONSchema, so the two cannot drift.
 */
export const JOB_FIELD_SCHEMAS = {
  model_name: z.string().regex(/^[\w.-]{1,128}$/),
  model_version: z
    .string()
    .regex(/^\d{1,18}$/)
    .describe('A version number, as a string'),
  priority: z.int().min(1).max(MAX_PRIORITY).describe('Queue priority, 1 the highest'),
  deadline_ms: z.int().min(1).max(MAX_DEADLINE_MS).describe('The job must start within this many ms'),
  idempotency_key: z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/)
    .describe('A retried submission with the same key returns the same job ids (or send the Idempotency-Key header)'),
} as const;

export const JOB_LIMITS = { maxPriority: MAX_PRIORITY, maxDeadlineMs: MAX_DEADLINE_MS } as const;
