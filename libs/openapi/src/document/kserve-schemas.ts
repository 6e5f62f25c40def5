import { TENSOR_DATA_TYPES } from '@switchyard/common';
import { z } from 'zod';

/**
 * The Open Inference Protocol (KServe v2) messages and Triton's extensions as Switchyard answers
 * them (libs/inference/src/dto and statistics/). The request side is looser than the server's
 * checks on purpose: what a model accepts is in its metadata, not in the protocol.
 */
const parameters = z.record(z.string(), z.unknown()).describe('Free-form parameters (see docs/inference-api.md)');
const datatype = z.enum(TENSOR_DATA_TYPES);
const shape = z.array(z.number().int().min(-1));

export const errorSchema = z.object({ error: z.string() }).describe('Every error: a status, this body and, on 429/503, Retry-After');

export const serverMetadataSchema = z.object({ name: z.string(), version: z.string(), extensions: z.array(z.string()) });
export const liveSchema = z.object({ live: z.literal(true) });
export const readySchema = z.object({ ready: z.literal(true) });

const tensorMetadata = z.object({ name: z.string(), datatype, shape: shape.describe('-1 marks a variable dimension') });
export const modelMetadataSchema = z.object({
  name: z.string(),
  versions: z.array(z.string()),
  platform: z.string(),
  inputs: z.array(tensorMetadata),
  outputs: z.array(tensorMetadata),
});
export const modelReadySchema = z.object({ name: z.string(), version: z.string(), ready: z.literal(true) });
export const modelConfigSchema = z
  .record(z.string(), z.unknown())
  .describe("Triton's model configuration (TYPE_FP32, dims without the batch dim)");

const tensorData = z.array(z.unknown()).describe('Row-major values, flat or nested; absent when the tensor is binary');
export const inferRequestSchema = z.object({
  id: z.string().optional(),
  parameters: parameters.optional().describe('priority, timeout (µs), policy, device, binary_data_output'),
  inputs: z.array(
    z.object({
      name: z.string(),
      shape: z.array(z.number().int().min(0)),
      datatype,
      parameters: z
        .object({ binary_data_size: z.number().int().min(0).optional() })
        .catchall(z.unknown())
        .optional(),
      data: tensorData.optional(),
    }),
  ),
  outputs: z
    .array(z.object({ name: z.string(), parameters: z.object({ binary_data: z.boolean().optional() }).catchall(z.unknown()).optional() }))
    .optional(),
});
export const inferResponseSchema = z.object({
  model_name: z.string(),
  model_version: z.string(),
  id: z.string().optional(),
  parameters: z
    .object({
      device: z.string(),
      policy: z.string(),
      predicted_ms: z.number().optional(),
      batch_size: z.number().int(),
      queue_ms: z.number(),
      compute_ms: z.number(),
      attempts: z.number().int().optional(),
      retried_from: z.string().optional(),
    })
    .catchall(z.unknown()),
  outputs: z.array(
    z.object({
      name: z.string(),
      datatype,
      shape: z.array(z.number().int()),
      parameters: z.object({ binary_data_size: z.number().int() }).optional(),
      data: tensorData.optional(),
    }),
  ),
});

export const repositoryIndexRequestSchema = z.object({ ready: z.boolean().optional() });
export const repositoryIndexSchema = z.array(
  z.object({ name: z.string(), version: z.string().optional(), state: z.string(), reason: z.string().optional() }),
);
export const loadRequestSchema = z.object({
  parameters: z.object({ config: z.string().optional().describe('The model config as a JSON string') }).optional(),
});
export const emptySchema = z.object({}).strict();

const duration = z.object({ count: z.number().int(), ns: z.number() });
export const statisticsSchema = z.object({
  model_stats: z.array(
    z.object({
      name: z.string(),
      version: z.string(),
      last_inference: z.number(),
      inference_count: z.number().int(),
      execution_count: z.number().int(),
      inference_stats: z.record(z.string(), duration),
      batch_stats: z.array(z.object({ batch_size: z.number().int() }).catchall(duration)),
    }),
  ),
});
