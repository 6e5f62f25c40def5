/**
 * The messages of inference.GRPCInferenceService as @grpc/proto-loader hands them over with
 * PROTO_LOADER_OPTIONS (snake_case, 64-bit integers as numbers, bytes as Buffers, defaults set).
 * Only the fields Switchyard reads or writes are typed.
 */

/** One value of a parameters map: exactly one field is set, named by `parameter_choice`. */
export interface InferParameterMessage {
  bool_param?: boolean;
  int64_param?: number | string;
  string_param?: string;
  double_param?: number;
  uint64_param?: number | string;
  bytes_param?: Buffer;
  parameter_choice?: string;
}

export type ParameterMap = Record<string, InferParameterMessage>;

/** Typed tensor contents: the field that matches the datatype holds the flattened values. */
export interface TensorContentsMessage {
  bool_contents?: boolean[];
  int_contents?: number[];
  int64_contents?: Array<number | string>;
  uint_contents?: number[];
  uint64_contents?: Array<number | string>;
  fp32_contents?: number[];
  fp64_contents?: number[];
  bytes_contents?: Buffer[];
}

export interface InferInputTensorMessage {
  name: string;
  datatype: string;
  shape: number[];
  parameters: ParameterMap;
  contents: TensorContentsMessage | null;
}

export interface InferRequestedOutputMessage {
  name: string;
  parameters: ParameterMap;
}

export interface ModelInferRequestMessage {
  model_name: string;
  model_version: string;
  id: string;
  parameters: ParameterMap;
  inputs: InferInputTensorMessage[];
  outputs: InferRequestedOutputMessage[];
  raw_input_contents: Buffer[];
}

export interface InferOutputTensorMessage {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: ParameterMap;
  contents?: TensorContentsMessage;
}

export interface ModelInferResponseMessage {
  model_name: string;
  model_version: string;
  id: string;
  parameters: ParameterMap;
  outputs: InferOutputTensorMessage[];
  raw_output_contents: Buffer[];
}

/** ModelReadyRequest, ModelMetadataRequest and ModelStatisticsRequest. */
export interface ModelRefMessage {
  name: string;
  version: string;
}

export interface RepositoryIndexRequestMessage {
  repository_name: string;
  ready: boolean;
}

export interface RepositoryModelRequestMessage {
  repository_name: string;
  model_name: string;
  parameters: ParameterMap;
}
