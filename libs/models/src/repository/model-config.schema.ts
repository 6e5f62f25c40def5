import { z } from 'zod';
import { TENSOR_DATA_TYPES } from '@switchyard/common';
import type { ModelConfig } from '../interfaces/model-config.interface';

const tensor = z.object({
  name: z.string().min(1),
  data_type: z.enum(TENSOR_DATA_TYPES as unknown as [string, ...string[]]),
  dims: z.array(z.number().int().min(-1)),
});

const NO_RANGE_TYPES = ['BOOL', 'BYTES'];

const inputTensor = tensor
  .extend({
    range: z.tuple([z.number(), z.number()]).optional(),
    allow_non_finite: z.boolean().optional(),
  })
  .refine((t) => !t.range || t.range[0] <= t.range[1], { message: 'range is [min, max] with min <= max', path: ['range'] })
  .refine((t) => !t.range || !NO_RANGE_TYPES.includes(t.data_type), { message: 'range applies to numeric inputs, not BOOL or BYTES', path: ['range'] });

const versionPolicy = z.union([
  z.object({ latest: z.object({ num_versions: z.number().int().min(1) }) }).strict(),
  z.object({ all: z.object({}).strict() }).strict(),
  z.object({ specific: z.object({ versions: z.array(z.number().int().min(0)).min(1) }) }).strict(),
]);

/** config.json and the load API's config override: Triton's field names, checked once here. */
const modelConfigSchema = z
  .object({
    name: z.string().optional(),
    platform: z.literal('onnxruntime_onnx').optional(),
    backend: z.literal('onnxruntime').optional(),
    max_batch_size: z.number().int().min(0).max(65_536).default(0),
    input: z.array(inputTensor).default([]),
    output: z.array(tensor).default([]),
    dynamic_batching: z
      .object({ max_queue_delay_microseconds: z.number().min(0).optional(), preferred_batch_size: z.array(z.number().int().min(1)).optional() })
      .optional(),
    version_policy: versionPolicy.optional(),
    allow_non_finite: z.boolean().optional(),
    model_warmup: z.array(z.unknown()).optional(),
  })
  .passthrough();

/**
 * Parses a model config (text or object) for model `name`; returns the problem instead when it is
 * invalid. `strictName`: a config naming another model is a problem (a load override); config.json
 * files are served under their folder's name whatever they say.
 */
export function parseModelConfig(name: string, raw: unknown, strictName = false): { config: ModelConfig } | { problem: string } {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (err) {
      return { problem: `not JSON: ${(err as Error).message}` };
    }
  }
  const parsed = modelConfigSchema.safeParse(value);
  if (!parsed.success) return { problem: parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ') };
  if (strictName && parsed.data.name !== undefined && parsed.data.name !== name) return { problem: `the config names model "${parsed.data.name}", not "${name}"` };
  return { config: { ...parsed.data, name, platform: 'onnxruntime_onnx' } as ModelConfig };
}
