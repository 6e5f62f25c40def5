import { BYTES_PER_ELEMENT, InvalidRequestError, isTensorDataType, type WireTensor } from '@switchyard/common';
import type { ModelTensorSpec, ServedModel } from '@switchyard/models';
import type { InferInputDto, InferRequestDto } from '../dto/infer-request.dto';
import type { RequestedOutput, ValidatedInferRequest } from '../interfaces/validated-infer-request.interface';
import { JsonNumbers } from '../codec/infer-json.parser';
import { flattenJsonData, jsonNumbersToBuffer, jsonValuesToBuffer, type AllocateBuffer } from '../codec/tensor-json.codec';
import { checkBytesBinary, jsonValuesToBytesBuffer } from '../codec/bytes-json.codec';
import { readRequestOptions } from './read-request-options';
import { checkShape } from './check-shape';
import { shown } from './json-guards';

export interface InferValidationLimits {
  /** Largest element count of one tensor. */
  maxTensorElements: number;
}

const UNSUPPORTED_PARAMETERS = ['shared_memory_region', 'shared_memory_byte_size', 'shared_memory_offset'];

/**
 * Matches a structurally valid request against its model and decodes the input tensors. Every
 * refusal is an InvalidRequestError (400) whose message names the tensor and the problem; nothing
 * here reaches a worker.
 */
export class InferRequestValidator {
  /** `allocate` gives decoded tensors their memory (the runtime's BufferPool in the service). */
  constructor(
    private readonly limits: InferValidationLimits,
    private readonly allocate: AllocateBuffer = (n) => new ArrayBuffer(n),
  ) {}

  validate(model: ServedModel, request: InferRequestDto, binary: Buffer): ValidatedInferRequest {
    const options = readRequestOptions(request.parameters);
    const byName = this.matchInputs(model, request.inputs);
    const offsets = binaryOffsets(request.inputs, binary.length);
    let batchSize: number | undefined;
    const inputs: WireTensor[] = model.inputs.map((spec) => {
      const input = byName.get(spec.name)!;
      if (!isTensorDataType(input.datatype)) {
        throw new InvalidRequestError(`input '${input.name}': datatype ${shown(input.datatype)} is not supported`);
      }
      if (input.datatype !== spec.datatype) {
        throw new InvalidRequestError(`input '${input.name}': datatype ${input.datatype} does not match the model's ${spec.datatype}`);
      }
      const { elements, batch } = checkShape(input.name, input.shape, spec.shape, model.maxBatchSize, this.limits.maxTensorElements);
      if (batch !== undefined) {
        if (batchSize !== undefined && batch !== batchSize) {
          throw new InvalidRequestError(`input '${input.name}': batch size ${batch} differs from the other inputs' ${batchSize}`);
        }
        batchSize = batch;
      }
      return {
        name: spec.name,
        datatype: spec.datatype,
        shape: [...input.shape],
        data: decodeData(input, spec, elements, binary, offsets, this.allocate),
      };
    });
    return {
      id: request.id,
      inputs,
      batchSize: batchSize ?? 1,
      outputs: resolveOutputs(model, request, options.binaryDataOutput),
      outputsRequested: request.outputs !== undefined && request.outputs.length > 0,
      options,
    };
  }

  private matchInputs(model: ServedModel, inputs: InferInputDto[]): Map<string, InferInputDto> {
    const byName = new Map<string, InferInputDto>();
    const expected = model.inputs.map((i) => i.name);
    for (const input of inputs) {
      if (byName.has(input.name)) throw new InvalidRequestError(`input '${input.name}' is given twice`);
      if (!expected.includes(input.name)) {
        throw new InvalidRequestError(`unexpected input '${input.name}': model ${model.name} takes ${expected.join(', ')}`);
      }
      for (const p of UNSUPPORTED_PARAMETERS) {
        if (p in input.parameters) throw new InvalidRequestError(`input '${input.name}': shared memory ("${p}") is not supported`);
      }
      byName.set(input.name, input);
    }
    const missing = expected.filter((name) => !byName.has(name));
    if (missing.length > 0)
      throw new InvalidRequestError(`missing input(s) ${missing.map((m) => `'${m}'`).join(', ')} of model ${model.name}`);
    return byName;
  }
}

/** Where each binary input's bytes start in the binary section, in request order. */
function binaryOffsets(inputs: InferInputDto[], binaryLength: number): Map<string, { offset: number; size: number }> {
  const offsets = new Map<string, { offset: number; size: number }>();
  let offset = 0;
  for (const input of inputs) {
    const size = input.parameters.binary_data_size;
    if (size === undefined) continue;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      throw new InvalidRequestError(`input '${input.name}': binary_data_size ${shown(size)} is not a byte count`);
    }
    if (input.data !== undefined) throw new InvalidRequestError(`input '${input.name}' has both "data" and binary_data_size`);
    offsets.set(input.name, { offset, size });
    offset += size;
  }
  if (offset !== binaryLength) {
    throw new InvalidRequestError(
      binaryLength === 0 && offset > 0
        ? `binary_data_size is set but the request has no binary data (send Inference-Header-Content-Length)`
        : `the binary data after the JSON header is ${binaryLength} bytes but the inputs' binary_data_size add up to ${offset}`,
    );
  }
  return offsets;
}

function decodeData(
  input: InferInputDto,
  spec: ModelTensorSpec,
  elements: number,
  binary: Buffer,
  offsets: Map<string, { offset: number; size: number }>,
  allocate: AllocateBuffer,
): ArrayBuffer {
  const expectedBytes = elements * BYTES_PER_ELEMENT[spec.datatype];
  const chunk = offsets.get(input.name);
  if (chunk && spec.datatype === 'BYTES') {
    const bytes = binary.subarray(chunk.offset, chunk.offset + chunk.size);
    checkBytesBinary(bytes, elements, input.name);
    return new Uint8Array(bytes).buffer; // a copy of its own (transferable)
  }
  if (chunk) {
    if (chunk.size !== expectedBytes) {
      throw new InvalidRequestError(
        `input '${input.name}': binary_data_size is ${chunk.size} bytes but shape ${shown(input.shape)} of ${spec.datatype} needs ${expectedBytes}`,
      );
    }
    // copied out of the body into a buffer of its own, so it can be transferred to a worker
    const out = allocate(chunk.size);
    new Uint8Array(out).set(binary.subarray(chunk.offset, chunk.offset + chunk.size));
    return out;
  }
  if (input.data === undefined) throw new InvalidRequestError(`input '${input.name}' has neither "data" nor binary_data_size`);
  const rank = Math.max(1, input.shape.length);
  if (input.data instanceof JsonNumbers) {
    const numbers = input.data;
    if (numbers.depth > rank)
      throw new InvalidRequestError(`input '${input.name}': "data" is nested deeper than the tensor's rank ${rank}`);
    checkCount(input, numbers.length, elements);
    if (spec.datatype === 'BYTES') return jsonValuesToBytesBuffer(numbers.toArray(), input.name);
    return jsonNumbersToBuffer(numbers, spec.datatype, input.name, allocate);
  }
  const values = flattenJsonData(input.data, rank, input.name);
  checkCount(input, values.length, elements);
  if (spec.datatype === 'BYTES') return jsonValuesToBytesBuffer(values, input.name);
  return jsonValuesToBuffer(values, spec.datatype, input.name, allocate);
}

function checkCount(input: InferInputDto, count: number, elements: number): void {
  if (count !== elements) {
    throw new InvalidRequestError(`input '${input.name}': "data" has ${count} values but shape ${shown(input.shape)} needs ${elements}`);
  }
}

function resolveOutputs(model: ServedModel, request: InferRequestDto, binaryDefault: boolean): RequestedOutput[] {
  if (!request.outputs || request.outputs.length === 0) return model.outputs.map((o) => ({ name: o.name, binary: binaryDefault }));
  const names = model.outputs.map((o) => o.name);
  const seen = new Set<string>();
  return request.outputs.map((output) => {
    if (!names.includes(output.name)) {
      throw new InvalidRequestError(`unknown output '${output.name}': model ${model.name} gives ${names.join(', ')}`);
    }
    if (seen.has(output.name)) throw new InvalidRequestError(`output '${output.name}' is requested twice`);
    seen.add(output.name);
    const { binary_data: binaryData, classification } = output.parameters;
    if (classification !== undefined && classification !== 0) {
      throw new InvalidRequestError(`output '${output.name}': the classification extension is not supported`);
    }
    for (const p of UNSUPPORTED_PARAMETERS) {
      if (p in output.parameters) throw new InvalidRequestError(`output '${output.name}': shared memory ("${p}") is not supported`);
    }
    if (binaryData !== undefined && typeof binaryData !== 'boolean') {
      throw new InvalidRequestError(`output '${output.name}': binary_data must be true or false, got ${shown(binaryData)}`);
    }
    return { name: output.name, binary: binaryData ?? binaryDefault };
  });
}
