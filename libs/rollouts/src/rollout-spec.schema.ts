import { z } from 'zod';
import { InvalidRequestError } from '@switchyard/common';
import type { RolloutSpec } from './interfaces/rollout-spec.interface';

const percent = z.number().min(0).max(100);
const version = z.union([z.string().regex(/^\d+$/), z.number().int().min(0)]).transform(String);

/** PUT /v1/models/{m}/rollout's body (the OpenAPI document shows it through z.toJSONSchema). */
export const rolloutSpecSchema = z
  .object({
    primary: version,
    candidate: version,
    mode: z.enum(['canary', 'shadow']).default('canary'),
    weight: percent.default(10),
    step_weight: percent.default(10),
    max_weight: percent.default(50),
    interval_s: z.number().min(0.05).max(86_400).default(60),
    min_samples: z.number().int().min(1).max(1_000_000).default(20),
    threshold: z.number().int().min(1).max(1000).default(3),
    max_error_rate_delta: z.number().min(0).max(1).default(0.01),
    max_p99_ratio: z.number().min(1).max(1000).default(1.5),
    accuracy_min_delta: z.number().min(-1).max(1).optional(),
  })
  .strict();

/** The body of PUT /v1/models/{m}/rollout, with defaults filled in; 400 naming each bad field. */
export function parseRolloutSpec(model: string, body: unknown): RolloutSpec {
  const parsed = rolloutSpecSchema.safeParse(body);
  if (!parsed.success)
    throw new InvalidRequestError(
      `invalid rollout: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
    );
  const spec = { model, ...parsed.data };
  if (spec.primary === spec.candidate) throw new InvalidRequestError('invalid rollout: primary and candidate are the same version');
  if (spec.weight > spec.max_weight)
    throw new InvalidRequestError(`invalid rollout: weight ${spec.weight} is above max_weight ${spec.max_weight}`);
  return spec;
}
