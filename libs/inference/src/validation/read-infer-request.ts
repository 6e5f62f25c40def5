import { InvalidRequestError } from '@switchyard/common';
import { JsonNumbers } from '../codec/infer-json.parser';
import type { InferInputDto, InferRequestDto, InferRequestedOutputDto } from '../dto/infer-request.dto';
import { isPlainObject, readParameters, requireString, shown } from './json-guards';

/** Highest tensor rank accepted (ONNX itself allows more, no served model needs it). */
export const MAX_RANK = 16;

/**
 * Checks the structure of a parsed inference request (field types, dims that are non-negative
 * integers) before it is matched to a model. Throws InvalidRequestError with the field's path.
 */
export function readInferRequest(header: Record<string, unknown>): InferRequestDto {
  const { id, parameters, inputs, outputs } = header;
  if (id !== undefined && typeof id !== 'string') throw new InvalidRequestError('"id" must be a string');
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new InvalidRequestError('"inputs" must be a non-empty array of input tensors');
  }
  if (outputs !== undefined && !Array.isArray(outputs)) throw new InvalidRequestError('"outputs" must be an array');
  return {
    id: id,
    parameters: readParameters(parameters, 'request'),
    inputs: inputs.map(readInput),
    outputs: (outputs as unknown[] | undefined)?.map(readOutput),
  };
}

function readInput(value: unknown, index: number): InferInputDto {
  if (!isPlainObject(value)) throw new InvalidRequestError(`inputs[${index}] must be a JSON object`);
  const where = `inputs[${index}]`;
  const name = requireString(value.name, where, 'name');
  const named = `input '${name}'`;
  const datatype = requireString(value.datatype, named, 'datatype');
  const shape = readShape(value.shape, named);
  const data = value.data ?? undefined; // KServe's Python client may send "data": null with binary data
  if (data !== undefined && !Array.isArray(data) && !(data instanceof JsonNumbers)) {
    throw new InvalidRequestError(`${named}: "data" must be an array`);
  }
  return { name, datatype, shape, parameters: readParameters(value.parameters, named), data };
}

function readShape(value: unknown, where: string): number[] {
  if (!Array.isArray(value)) throw new InvalidRequestError(`${where}: "shape" must be an array of dimensions`);
  if (value.length > MAX_RANK) throw new InvalidRequestError(`${where}: rank ${value.length} is over the limit of ${MAX_RANK}`);
  for (const d of value) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new InvalidRequestError(`${where}: shape ${shown(value)} has the dimension ${shown(d)}; dimensions are non-negative integers`);
    }
  }
  return value as number[];
}

function readOutput(value: unknown, index: number): InferRequestedOutputDto {
  if (!isPlainObject(value)) throw new InvalidRequestError(`outputs[${index}] must be a JSON object`);
  const name = requireString(value.name, `outputs[${index}]`, 'name');
  return { name, parameters: readParameters(value.parameters, `output '${name}'`) };
}
