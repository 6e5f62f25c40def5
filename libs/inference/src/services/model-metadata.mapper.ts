import type { ModelConfig, ServedModel } from '@switchyard/models';
import type { ModelMetadataDto } from '../dto/model-metadata.dto';

/** GET /v2/models/{m}: the protocol's model metadata; `versions` lists every served version. */
export function toModelMetadata(model: ServedModel, versions: string[]): ModelMetadataDto {
  return {
    name: model.name,
    versions,
    platform: model.platform,
    inputs: model.inputs.map(({ name, datatype, shape }) => ({ name, datatype, shape: [...shape] })),
    outputs: model.outputs.map(({ name, datatype, shape }) => ({ name, datatype, shape: [...shape] })),
  };
}

/**
 * GET /v2/models/{m}/config: the model's configuration in Triton's JSON form (data types as
 * TYPE_FP32..., dims without the batch dim when max_batch_size > 0).
 */
export function toTritonModelConfig(model: ServedModel): Record<string, unknown> {
  const config: ModelConfig = model.config;
  const tensor = (t: ModelConfig['output'][number]) => ({ name: t.name, data_type: `TYPE_${t.data_type}`, dims: [...t.dims] });
  // the input filters (docs/models.md), so a client can see why a value is refused
  const input = (t: ModelConfig['input'][number]) => ({
    ...tensor(t),
    ...(t.range ? { range: [...t.range] } : {}),
    ...(t.allow_non_finite !== undefined ? { allow_non_finite: t.allow_non_finite } : {}),
  });
  return {
    name: model.name,
    platform: config.platform,
    backend: 'onnxruntime',
    max_batch_size: config.max_batch_size,
    input: config.input.map(input),
    output: config.output.map(tensor),
    ...(config.dynamic_batching ? { dynamic_batching: config.dynamic_batching } : {}),
    ...(config.version_policy ? { version_policy: config.version_policy } : {}),
    ...(config.allow_non_finite !== undefined ? { allow_non_finite: config.allow_non_finite } : {}),
  };
}
