import type { TensorDataType } from '@switchyard/common';

/**
 * One tensor of a model's config. As in Triton's model configuration, when the model's
 * `max_batch_size` is > 0 the `dims` exclude the leading batch dimension; -1 marks a
 * variable dimension.
 */
export interface ModelTensorConfig {
  name: string;
  data_type: TensorDataType;
  dims: number[];
}

/**
 * An input of a model's config, with the filters every request's values pass (inputs only).
 *
 * @remarks `range` is inclusive, `[min, max]` with min <= max, for numeric types (not BOOL or
 * BYTES); a NaN is outside every range. `allow_non_finite` (floats) overrides the model's.
 */
export interface ModelInputConfig extends ModelTensorConfig {
  range?: [number, number];
  allow_non_finite?: boolean;
}

/**
 * models/<name>/config.json: a JSON subset of Triton's config.pbtxt, so the fields read the same.
 *
 * @remarks `max_batch_size` 0 means the model does not batch: dims are full shapes and the
 * dynamic batcher is off for it.
 */
export interface ModelConfig {
  name: string;
  platform: 'onnxruntime_onnx';
  max_batch_size: number;
  input: ModelInputConfig[];
  output: ModelTensorConfig[];
  /** Like Triton's dynamic_batching: merge queued requests up to max_batch_size or the delay. */
  dynamic_batching?: { max_queue_delay_microseconds?: number; preferred_batch_size?: number[] };
  /** Float inputs may carry NaN and Infinity (default false: refused with 400). */
  allow_non_finite?: boolean;
  /** Which versions to serve; default: the latest one. */
  version_policy?: { latest?: { num_versions: number } } | { all: Record<string, never> } | { specific: { versions: number[] } };
}
