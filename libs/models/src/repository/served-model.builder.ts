import type { ModelSessionMetadata, SessionTensorMetadata } from '@switchyard/runtime';
import type { ModelConfig, ModelTensorConfig } from '../interfaces/model-config.interface';
import type { ModelTensorSpec } from '../interfaces/served-model.interface';

/**
 * Merges what the ORT session reports with the model's config.json into the tensor specs the
 * API validates against. Returns a reason instead when the two disagree.
 */
export function buildTensorSpecs(
  config: ModelConfig,
  session: ModelSessionMetadata,
): { inputs: ModelTensorSpec[]; outputs: ModelTensorSpec[] } | { reason: string } {
  const inputs = merge('input', config.input, session.inputs, config.max_batch_size);
  if ('reason' in inputs) return inputs;
  for (const spec of inputs.specs) {
    const stated = config.input.find((c) => c.name === spec.name);
    const allowNonFinite = stated?.allow_non_finite ?? config.allow_non_finite;
    if (allowNonFinite) spec.allowNonFinite = true;
    if (stated?.range) spec.range = [stated.range[0], stated.range[1]];
  }
  const outputs = merge('output', config.output, session.outputs, config.max_batch_size);
  if ('reason' in outputs) return outputs;
  return { inputs: inputs.specs, outputs: outputs.specs };
}

function merge(
  what: 'input' | 'output',
  configured: ModelTensorConfig[],
  actual: SessionTensorMetadata[],
  maxBatch: number,
): { specs: ModelTensorSpec[] } | { reason: string } {
  const specs: ModelTensorSpec[] = [];
  for (const meta of actual) {
    const shape = meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1));
    const stated = configured.find((c) => c.name === meta.name);
    if (configured.length && !stated) return { reason: `config.json does not list the model's ${what} "${meta.name}"` };
    if (stated && stated.data_type !== meta.datatype) {
      return { reason: `config.json says ${what} "${meta.name}" is ${stated.data_type}, the model says ${meta.datatype}` };
    }
    if (maxBatch > 0 && shape[0] !== -1) {
      return { reason: `max_batch_size is ${maxBatch} but the first dim of ${what} "${meta.name}" is fixed (${shape[0]})` };
    }
    if (stated) {
      const tail = maxBatch > 0 ? shape.slice(1) : shape;
      if (tail.length !== stated.dims.length || tail.some((d, i) => stated.dims[i] !== -1 && d !== -1 && stated.dims[i] !== d)) {
        return { reason: `config.json dims ${JSON.stringify(stated.dims)} of ${what} "${meta.name}" do not match the model's ${JSON.stringify(shape)}` };
      }
      // the config may fix dims the model leaves free
      const fixed = tail.map((d, i) => (d === -1 ? stated.dims[i] : d));
      specs.push({ name: meta.name, datatype: meta.datatype, shape: maxBatch > 0 ? [-1, ...fixed] : fixed });
    } else {
      specs.push({ name: meta.name, datatype: meta.datatype, shape });
    }
  }
  for (const c of configured) {
    if (!actual.some((a) => a.name === c.name)) return { reason: `config.json lists ${what} "${c.name}", which the model does not have` };
  }
  return { specs };
}

/**
 * Fills the tensors a config leaves out from what the session reports (a folder without
 * config.json, or a load override with only max_batch_size or a version policy): as Triton's
 * auto-complete, dims without the batch dim when the model batches.
 */
export function completeConfig(config: ModelConfig, session: ModelSessionMetadata): ModelConfig {
  const batched = config.max_batch_size > 0;
  const tensors = (list: SessionTensorMetadata[]) =>
    list.map((t) => ({ name: t.name, data_type: t.datatype, dims: t.shape.slice(batched ? 1 : 0).map((d) => (typeof d === 'number' && d >= 0 ? d : -1)) }));
  return {
    ...config,
    input: config.input.length ? config.input : tensors(session.inputs),
    output: config.output.length ? config.output : tensors(session.outputs),
  };
}
