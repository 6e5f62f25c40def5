import type { WireTensor } from '@switchyard/common';
import type { ServedModel } from '@switchyard/models';
import type { InferenceJob } from '../../interfaces/inference-job.interface';
import type { QueuedJob } from '../queued-job.interface';
import { batchSignature } from '../tensor-batching';

let nextId = 0;

/** An FP32 input of `rows` rows of `width` values, every value `fill` (shape is what matters here). */
export function rowsInput(name: string, rows: number, width: number, fill = 0): WireTensor {
  return { name, datatype: 'FP32', shape: [rows, width], data: new Float32Array(rows * width).fill(fill).buffer };
}

/** A queued-job record as the dispatcher makes it, for queue-level tests. */
export function queuedJob(
  model: ServedModel,
  opts: { rows?: number; width?: number; level?: number; enqueuedAt?: number; outputs?: string[] } = {},
): QueuedJob {
  const rows = opts.rows ?? 1;
  const inputs = [rowsInput('input', rows, opts.width ?? 16)];
  const job: InferenceJob = { id: `job-${nextId++}`, model, inputs, batchSize: rows, receivedAt: 0, outputNames: opts.outputs };
  return {
    job,
    decision: { policy: 'test', deviceId: 'cpu:0' },
    level: opts.level ?? 5,
    enqueuedAt: opts.enqueuedAt ?? 0,
    signature: batchSignature(inputs, opts.outputs),
    rows,
    resolve: () => undefined,
    reject: () => undefined,
  };
}
