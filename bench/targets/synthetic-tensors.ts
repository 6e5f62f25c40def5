import { type WireTensor, seededRandom } from '@switchyard/common';
import type { ModelTensorSpec } from '@switchyard/models';
import { syntheticInputs } from '@switchyard/scheduler/testing';

/**
 * Request inputs of a model at a batch size: the shapes the model serves with the batch dim set,
 * filled once with seeded values (floats in [-1, 1), small integers, 0/1 BOOL). `fresh()` hands
 * out a copy per request, because a pool transfers (detaches) the buffers it is given.
 */
export class SyntheticTensors {
  private readonly templates: WireTensor[];

  /** `batching`: the first dim of every input is the batch dim (a model with max_batch_size > 0). */
  constructor(inputs: readonly ModelTensorSpec[], batching: boolean, batchSize: number, seed = 7) {
    // the scheduler's calibration inputs: same shapes rule, values valid for every dtype
    this.templates = syntheticInputs({ inputs: [...inputs], maxBatchSize: batching ? batchSize : 0 }, batchSize, seededRandom(seed));
  }

  fresh(): WireTensor[] {
    return this.templates.map((t) => ({ ...t, shape: [...t.shape], data: t.data.slice(0) }));
  }

  /** The tensors without copying (to encode into a request body). */
  view(): readonly WireTensor[] {
    return this.templates;
  }
}
