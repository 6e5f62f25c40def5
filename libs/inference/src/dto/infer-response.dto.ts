import type { TensorDataType } from '@switchyard/common';

/** How the request was served: Switchyard's placement decision and timings (ms). */
export interface InferResponseParametersDto {
  device: string;
  policy: string;
  predicted_ms?: number;
  /** Rows of the session run that served the request (more than the request's when batched). */
  batch_size: number;
  queue_ms: number;
  compute_ms: number;
  /** Placements it took (2: its first device failed, hung or was quarantined); only when retried. */
  attempts?: number;
  /** The device it was first placed on; only when retried. */
  retried_from?: string;
  /** The priority it ran at, when the tenant's ceiling lowered the one it asked for. */
  priority?: number;
  /** The priority it asked for, when the tenant's ceiling lowered it. */
  priority_clamped_from?: number;
}

export interface InferOutputDto {
  name: string;
  datatype: TensorDataType;
  shape: number[];
  /** Set when the output's bytes follow the JSON header (binary tensor data extension). */
  parameters?: { binary_data_size: number };
  /** JSON tensor data, flat row-major; absent when the output is binary. */
  data?: Array<number | boolean | null>;
}

export interface InferResponseDto {
  model_name: string;
  model_version: string;
  id?: string;
  parameters: InferResponseParametersDto;
  outputs: InferOutputDto[];
}
