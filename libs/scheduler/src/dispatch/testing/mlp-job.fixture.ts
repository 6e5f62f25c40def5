import { seededRandom } from '@switchyard/common';
import { DEMO_MODELS, type MlpSpec, type ServedModel } from '@switchyard/models';
import { referenceMlp } from '@switchyard/models/testing';
import type { InferenceJob } from '../../interfaces/inference-job.interface';

let nextId = 0;

export const MLP_TINY = DEMO_MODELS.find((s) => s.name === 'mlp_tiny') as MlpSpec;

/** A job of `rows` random rows for a demo MLP, with the values kept for the reference. */
export function mlpJob(
  model: ServedModel,
  rows: number,
  receivedAt: number,
  extra: Partial<InferenceJob> = {},
  seed = nextId + 1,
): { job: InferenceJob; values: Float32Array } {
  const width = model.inputs[0].shape[1];
  const random = seededRandom(seed * 7919);
  const values = Float32Array.from({ length: rows * width }, () => random() * 2 - 1);
  const job: InferenceJob = {
    id: `job-${nextId++}`,
    model,
    inputs: [{ name: 'input', datatype: 'FP32', shape: [rows, width], data: values.slice().buffer }],
    batchSize: rows,
    receivedAt,
    ...extra,
  };
  return { job, values };
}

/** The independent float64 reference of mlp_tiny for these rows. */
export function mlpTinyReference(values: Float32Array, rows: number): Float64Array {
  return referenceMlp(MLP_TINY, values, rows);
}
