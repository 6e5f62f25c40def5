import { decodeBytesElements, InferenceFailedError, type WireTensor } from '@switchyard/common';
import type { InferResult } from '@switchyard/inference';
import type { InferOutputTensorMessage, ModelInferResponseMessage, TensorContentsMessage } from '../interfaces/grpc-messages.interface';
import { toParameterMap } from './parameter-map';

/**
 * An inference result as a ModelInferResponse: the outputs the client asked for, in its order,
 * as raw_output_contents (what Triton's clients read) when `raw`, else as typed contents. FP16,
 * which has no typed field, makes the whole answer raw (the two forms cannot be mixed). Copies
 * the tensors: the result's buffers are free to release afterwards.
 */
export function toModelInferResponse(result: InferResult, raw: boolean): ModelInferResponseMessage {
  const byName = new Map(result.outputs.map((o) => [o.name, o]));
  const tensors = result.requested.map(({ name }) => {
    const tensor = byName.get(name);
    if (!tensor) throw new InferenceFailedError(`the model did not return output '${name}'`);
    return tensor;
  });
  const asRaw = raw || tensors.some((t) => t.datatype === 'FP16');
  const { parameters, ...head } = result.head;
  return {
    model_name: head.model_name,
    model_version: head.model_version,
    id: head.id ?? '',
    parameters: toParameterMap({ ...parameters }),
    outputs: tensors.map((t): InferOutputTensorMessage => {
      const meta = { name: t.name, datatype: t.datatype, shape: t.shape };
      return asRaw ? meta : { ...meta, contents: typedContents(t) };
    }),
    raw_output_contents: asRaw ? tensors.map((t) => Buffer.from(new Uint8Array(t.data))) : [],
  };
}

/** The tensor's values in the contents field of its datatype (64-bit integers as decimal strings: exact). */
function typedContents(t: WireTensor): TensorContentsMessage {
  const { data } = t;
  switch (t.datatype) {
    case 'BOOL':
      return { bool_contents: Array.from(new Uint8Array(data), (v) => v !== 0) };
    case 'INT8':
      return { int_contents: Array.from(new Int8Array(data)) };
    case 'INT16':
      return { int_contents: Array.from(new Int16Array(data)) };
    case 'INT32':
      return { int_contents: Array.from(new Int32Array(data)) };
    case 'UINT8':
      return { uint_contents: Array.from(new Uint8Array(data)) };
    case 'UINT16':
      return { uint_contents: Array.from(new Uint16Array(data)) };
    case 'UINT32':
      return { uint_contents: Array.from(new Uint32Array(data)) };
    case 'INT64':
      return { int64_contents: Array.from(new BigInt64Array(data), String) };
    case 'UINT64':
      return { uint64_contents: Array.from(new BigUint64Array(data), String) };
    case 'FP32':
      return { fp32_contents: Array.from(new Float32Array(data)) };
    case 'FP64':
      return { fp64_contents: Array.from(new Float64Array(data)) };
    case 'BYTES': {
      const elements = decodeBytesElements(data);
      if (!Array.isArray(elements)) throw new InferenceFailedError(`output '${t.name}': ${elements.problem}`);
      return { bytes_contents: elements.map((e) => Buffer.from(e)) };
    }
    default:
      throw new InferenceFailedError(`output '${t.name}': ${t.datatype} has no typed contents field`);
  }
}
