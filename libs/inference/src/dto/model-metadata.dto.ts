import type { TensorDataType } from '@switchyard/common';

export interface TensorMetadataDto {
  name: string;
  datatype: TensorDataType;
  /** -1 marks a variable dimension (the batch dimension of a batching model included). */
  shape: number[];
}

/** GET /v2/models/{m}[/versions/{v}] */
export interface ModelMetadataDto {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadataDto[];
  outputs: TensorMetadataDto[];
}

/** GET /v2 */
export interface ServerMetadataDto {
  name: string;
  version: string;
  extensions: string[];
}

/** One row of POST /v2/repository/index (Triton's model repository extension). */
export interface RepositoryIndexEntryDto {
  name: string;
  /** Absent for a model of the repository that was never loaded. */
  version?: string;
  state: string;
  reason?: string;
}

/** GET /v2/models/{m}[/versions/{v}]/ready when the model is ready (503 otherwise). */
export interface ModelReadyDto {
  name: string;
  version: string;
  ready: true;
}
