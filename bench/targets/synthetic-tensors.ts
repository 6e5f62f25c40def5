import { BYTES_PER_ELEMENT, elementCount, type WireTensor } from '@switchyard/common';
import type { ModelTensorSpec } from '@switchyard/models';
import { createPrng } from '@switchyard/scheduler';

/**
 * Request inputs of a model at a batch size: the shapes the model serves with the batch dim set,
 * filled once with seeded values in [-1, 1) (FP32) or small integers. `fresh()` hands out a copy
 * per request, because a pool transfers (detaches) the buffers it is given.
 */
export class SyntheticTensors {
  private readonly templates: WireTensor[];

  /** `batching`: the first dim of every input is the batch dim (a model with max_batch_size > 0). */
  constructor(inputs: readonly ModelTensorSpec[], batching: boolean, batchSize: number, seed = 7) {
    const random = createPrng(seed);
    this.templates = inputs.map((spec) => {
      const shape = spec.shape.map((d, i) => (i === 0 && batching ? batchSize : d < 0 ? 1 : d));
      const n = elementCount(shape);
      const data = new ArrayBuffer(n * BYTES_PER_ELEMENT[spec.datatype]);
      if (spec.datatype === 'FP32') {
        const view = new Float32Array(data);
        for (let i = 0; i < n; i++) view[i] = random() * 2 - 1;
      } else {
        const bytes = new Uint8Array(data);
        for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 8);
      }
      return { name: spec.name, datatype: spec.datatype, shape, data };
    });
  }

  fresh(): WireTensor[] {
    return this.templates.map((t) => ({ ...t, shape: [...t.shape], data: t.data.slice(0) }));
  }

  /** The tensors without copying (to encode into a request body). */
  view(): readonly WireTensor[] {
    return this.templates;
  }
}
