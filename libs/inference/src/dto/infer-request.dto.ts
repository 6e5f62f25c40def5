import type { JsonNumbers } from '../codec/infer-json.parser';

/**
 * An inference request as the Open Inference Protocol (KServe v2) defines it, after the
 * structural check of read-infer-request.ts: field types are right, values are not yet checked
 * against the model.
 */
export interface InferRequestDto {
  id?: string;
  parameters: Record<string, unknown>;
  inputs: InferInputDto[];
  /** Outputs to return; all of the model's when absent. */
  outputs?: InferRequestedOutputDto[];
}

export interface InferInputDto {
  name: string;
  /** Non-negative safe integers (checked); rank and values are checked against the model later. */
  shape: number[];
  datatype: string;
  parameters: Record<string, unknown>;
  /**
   * JSON tensor data, flat or nested row-major (JsonNumbers when the body was read by
   * parseInferJson and the array held only numbers or only booleans); absent when the data is binary.
   */
  data?: unknown[] | JsonNumbers;
}

export interface InferRequestedOutputDto {
  name: string;
  parameters: Record<string, unknown>;
}
