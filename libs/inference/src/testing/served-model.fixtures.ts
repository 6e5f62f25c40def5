import type { TensorDataType } from '@switchyard/common';
import type { ModelTensorSpec, ServedModel } from '@switchyard/models';

/** A ServedModel record for validation tests (plain data, as the repository would build it). */
export function servedModel(name: string, maxBatchSize: number, inputs: ModelTensorSpec[], outputs: ModelTensorSpec[]): ServedModel {
  const strip = (t: ModelTensorSpec) => ({ name: t.name, data_type: t.datatype, dims: maxBatchSize > 0 ? t.shape.slice(1) : t.shape });
  return {
    name,
    version: '1',
    key: `${name}@1`,
    platform: 'onnxruntime_onnx',
    config: { name, platform: 'onnxruntime_onnx', max_batch_size: maxBatchSize, input: inputs.map(strip), output: outputs.map(strip) },
    inputs,
    outputs,
    maxBatchSize,
    state: 'READY',
    devices: ['cpu:0'],
    sha256: '0'.repeat(64),
  };
}

const t = (name: string, datatype: TensorDataType, shape: number[]): ModelTensorSpec => ({ name, datatype, shape });

/** Like mlp_tiny: [N,16] -> [N,8], batches up to 64. */
export const MLP = servedModel('mlp', 64, [t('input', 'FP32', [-1, 16])], [t('output', 'FP32', [-1, 8])]);

/** Two inputs sharing the batch dim, two outputs. */
export const PAIR = servedModel(
  'pair',
  8,
  [t('a', 'FP32', [-1, 2, 3]), t('b', 'INT64', [-1, 4])],
  [t('sum', 'FP32', [-1, 2]), t('ids', 'INT64', [-1, 4])],
);

/** Like dtype_echo for one dtype: no batching, one variable dim. */
export const ECHO = servedModel('echo', 0, [t('in_int8', 'INT8', [-1])], [t('out_int8', 'INT8', [-1])]);
