import { encodeBytesElements, InvalidRequestError } from '@switchyard/common';
import type { InferInputTensorMessage, ModelInferRequestMessage, TensorContentsMessage } from '../interfaces/grpc-messages.interface';
import { readParameterMap } from './parameter-map';

/** A ModelInferRequest as the body the one request decoder reads (the HTTP binary extension's layout). */
export interface GrpcInferBody {
  /** A parsed JSON request, or (when any input is binary) the JSON header followed by the inputs' bytes. */
  body: Buffer | Record<string, unknown>;
  /** The JSON header's length when `body` is a Buffer (Inference-Header-Content-Length). */
  headerLength?: string;
  /** The inputs came as raw_input_contents: the answer goes back as raw_output_contents. */
  raw: boolean;
}

/** The typed contents field of each datatype (FP16 has none: it travels raw only). */
const CONTENTS_FIELD: Record<string, keyof TensorContentsMessage> = {
  BOOL: 'bool_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  UINT8: 'uint_contents',
  UINT16: 'uint_contents',
  UINT32: 'uint_contents',
  UINT64: 'uint64_contents',
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  BYTES: 'bytes_contents',
};

/**
 * Rewrites a ModelInferRequest into the request the HTTP route would get, so that the same
 * decoder and validator check it: raw_input_contents (and typed BYTES) become the binary
 * section with binary_data_size per input; typed numbers become "data". `remainingMs`, the
 * gRPC deadline, becomes the request's `timeout` unless the request asks for a shorter one.
 * Only the gRPC-specific shape is checked here; everything about the model is the validator's.
 */
export function toInferBody(request: ModelInferRequestMessage, remainingMs?: number): GrpcInferBody {
  const raw = request.raw_input_contents ?? [];
  const inputs = request.inputs ?? [];
  if (raw.length > 0 && raw.length !== inputs.length) {
    throw new InvalidRequestError(`raw_input_contents has ${raw.length} entries for ${inputs.length} inputs: give one per input, in order`);
  }
  const parameters: Record<string, unknown> = readParameterMap(request.parameters, 'request');
  if (remainingMs !== undefined) applyDeadline(parameters, remainingMs);
  const chunks: Buffer[] = [];
  const header: Record<string, unknown> = {
    ...(request.id ? { id: request.id } : {}),
    parameters,
    inputs: inputs.map((input, i) => {
      const where = `input '${input.name}'`;
      const tensor = {
        name: input.name,
        datatype: input.datatype,
        shape: input.shape,
        parameters: readParameterMap(input.parameters, where),
      };
      if (raw.length > 0) {
        if (hasContents(input.contents))
          throw new InvalidRequestError(`${where} has contents while raw_input_contents is set: use one or the other`);
        chunks.push(raw[i]);
        return { ...tensor, parameters: { ...tensor.parameters, binary_data_size: raw[i].length } };
      }
      if (input.datatype === 'BYTES') {
        const bytes = Buffer.from(encodeBytesElements(input.contents?.bytes_contents ?? []));
        chunks.push(bytes);
        return { ...tensor, parameters: { ...tensor.parameters, binary_data_size: bytes.length } };
      }
      return { ...tensor, ...typedData(input) };
    }),
    ...(request.outputs?.length
      ? { outputs: request.outputs.map((o) => ({ name: o.name, parameters: readParameterMap(o.parameters, `output '${o.name}'`) })) }
      : {}),
  };
  if (chunks.length === 0) return { body: header, raw: false };
  const json = Buffer.from(JSON.stringify(header));
  return { body: Buffer.concat([json, ...chunks]), headerLength: String(json.length), raw: raw.length > 0 };
}

/** The values of the contents field that matches the datatype; none (the validator says so) when the datatype is unknown. */
function typedData(input: InferInputTensorMessage): { data?: unknown[] } {
  if (input.datatype === 'FP16') {
    throw new InvalidRequestError(`input '${input.name}': FP16 has no typed contents field: send it in raw_input_contents`);
  }
  const field = CONTENTS_FIELD[input.datatype];
  if (!field) return {};
  const values = (input.contents?.[field] ?? []) as unknown[];
  if (values.length === 0) {
    const other = Object.entries(input.contents ?? {}).find(([, v]) => Array.isArray(v) && v.length > 0);
    if (other) throw new InvalidRequestError(`input '${input.name}': ${input.datatype} values go in contents.${field}, not ${other[0]}`);
  }
  return { data: input.datatype === 'INT64' || input.datatype === 'UINT64' ? values.map(Number) : values };
}

function hasContents(contents: TensorContentsMessage | null): boolean {
  return Object.values(contents ?? {}).some((v) => Array.isArray(v) && v.length > 0);
}

/** The deadline caps the request's own `timeout` (microseconds, as the HTTP parameter). */
function applyDeadline(parameters: Record<string, unknown>, remainingMs: number): void {
  const micros = Math.max(1, Math.floor(remainingMs * 1000));
  const own = parameters.timeout;
  if (typeof own === 'number' && own > 0 && own <= micros) return;
  parameters.timeout = micros;
}
