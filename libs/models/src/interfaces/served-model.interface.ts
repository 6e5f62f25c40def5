import type { TensorDataType } from '@switchyard/common';
import type { ModelConfig } from './model-config.interface';

/** A tensor of a served model; `shape` is the full shape with -1 for variable dims (batch included). */
export interface ModelTensorSpec {
  name: string;
  datatype: TensorDataType;
  shape: number[];
  /** Inputs only: NaN and Infinity pass (the config's allow_non_finite, per input or model). */
  allowNonFinite?: boolean;
  /** Inputs only: every value must lie in [min, max] (the config's range). */
  range?: readonly [number, number];
}

/** Triton's model states: UNLOADING lets admitted requests finish while new ones are refused. */
export type ModelState = 'LOADING' | 'READY' | 'UNLOADING' | 'UNAVAILABLE';

/**
 * One version of a model in the repository, as the inference API and scheduler see it.
 *
 * @remarks `inputs`/`outputs` merge the session's metadata with config.json (the config wins on
 * names and dtypes it states; the session supplies what it omits). When `maxBatchSize > 0` the
 * first dim of every input and output is the batch dim (-1) and requests may carry 1..maxBatchSize
 * rows. `devices` lists the device ids whose pools loaded it.
 */
export interface ServedModel {
  name: string;
  version: string;
  /** "<name>@<version>": the key pools and schedulers use. */
  key: string;
  platform: 'onnxruntime_onnx';
  config: ModelConfig;
  inputs: ModelTensorSpec[];
  outputs: ModelTensorSpec[];
  maxBatchSize: number;
  state: ModelState;
  reason?: string;
  devices: string[];
  /** sha256 of model.onnx (profiles key on it). */
  sha256: string;
}
