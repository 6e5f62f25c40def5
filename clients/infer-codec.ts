import {
  type Datatype,
  datatypeOf,
  decodeBytesElements,
  encodeBytesElements,
  type TensorData,
  type TypedArray,
  typedArrayFrom,
  typedArrayFromJson,
} from './tensor-types';

export const HEADER_LENGTH = 'inference-header-content-length';

/** One input: values (a typed array goes as raw bytes), or bytes already in the wire format. */
export type InferInput =
  | { name: string; data: TensorData; datatype?: Datatype; shape?: number[]; parameters?: Record<string, unknown> }
  | { name: string; bytes: Uint8Array; datatype: Datatype; shape: number[]; parameters?: Record<string, unknown> };

export interface InferRequestOptions {
  id?: string;
  /** Request parameters: priority, policy, device... (timeout is set from the call's deadline). */
  parameters?: Record<string, unknown>;
  /** Outputs to return (all when absent): names, or outputs with their own parameters (binary_data...). */
  outputs?: (string | { name: string; parameters?: Record<string, unknown> })[];
  /** Send typed-array inputs as binary tensor data (default true); false sends JSON. */
  binary?: boolean;
  /** Ask for binary outputs (default true; parameters.binary_data_output, when given, wins). */
  binaryOutputs?: boolean;
}

export interface EncodedInferRequest {
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * An inference request body: JSON, or with the binary tensor data extension the JSON header
 * (its length in Inference-Header-Content-Length) followed by each binary input's bytes in order.
 */
export function encodeInferRequest(inputs: readonly InferInput[], options: InferRequestOptions = {}): EncodedInferRequest {
  const binaryInputs = options.binary ?? true;
  const buffers: Buffer[] = [];
  const wireInputs = inputs.map((input) => {
    const datatype = input.datatype ?? datatypeOf((input as { data: TensorData }).data);
    const bytes = 'bytes' in input ? input.bytes : binaryInputs ? binaryOf(datatype, input.data) : undefined;
    const shape = input.shape ?? [elementCount(input)];
    if (bytes === undefined) {
      return {
        name: input.name,
        datatype,
        shape,
        ...(input.parameters ? { parameters: input.parameters } : {}),
        data: jsonOf(datatype, (input as { data: TensorData }).data),
      };
    }
    buffers.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { name: input.name, datatype, shape, parameters: { ...input.parameters, binary_data_size: bytes.byteLength } };
  });
  const binaryOutputs = options.binaryOutputs ?? true;
  const header = {
    ...(options.id !== undefined ? { id: options.id } : {}),
    inputs: wireInputs,
    ...(options.outputs
      ? { outputs: options.outputs.map((o) => (typeof o === 'string' ? { name: o, parameters: { binary_data: binaryOutputs } } : o)) }
      : {}),
    parameters: { ...(binaryOutputs ? { binary_data_output: true } : {}), ...options.parameters },
  };
  const json = Buffer.from(JSON.stringify(header));
  if (buffers.length === 0) return { body: json, headers: { 'content-type': 'application/json' } };
  return {
    body: Buffer.concat([json, ...buffers]),
    headers: { 'content-type': 'application/octet-stream', [HEADER_LENGTH]: String(json.length) },
  };
}

function elementCount(input: InferInput): number {
  if ('bytes' in input) throw new Error(`input ${input.name}: give the shape of raw bytes`);
  return input.data.length;
}

function binaryOf(datatype: Datatype, data: TensorData): Uint8Array | undefined {
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (datatype === 'BYTES') return encodeBytesElements(data as (string | Buffer)[]);
  return undefined; // plain arrays of numbers or booleans go as JSON
}

function jsonOf(datatype: Datatype, data: TensorData): unknown[] {
  if (datatype === 'FP16' && data instanceof Uint16Array) throw new Error('FP16 typed arrays hold raw half floats: send them as binary');
  if (datatype === 'BYTES') return (data as (string | Buffer)[]).map((v) => (typeof v === 'string' ? v : v.toString('utf8')));
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Array.from(data, (v) => Number(v));
  if (datatype === 'BOOL' && data instanceof Uint8Array) return Array.from(data, (v) => v !== 0);
  return Array.from(data as ArrayLike<unknown>);
}

/** An inference response's JSON as it comes over the wire. */
export interface WireInferResponse {
  model_name: string;
  model_version: string;
  id?: string;
  parameters?: Record<string, unknown>;
  outputs?: { name: string; datatype: Datatype; shape: number[]; parameters?: { binary_data_size?: number }; data?: unknown[] }[];
}

/** A response split the way tritonclient's InferResult does: the JSON, then each binary output's bytes in order. */
export function splitInferResponse(body: Buffer, headerLength?: number): { json: WireInferResponse; binary: Map<string, Buffer> } {
  const json = JSON.parse(body.toString('utf8', 0, headerLength ?? body.length)) as WireInferResponse;
  const binary = new Map<string, Buffer>();
  if (headerLength === undefined) return { json, binary };
  let offset = headerLength;
  for (const output of json.outputs ?? []) {
    const size = output.parameters?.binary_data_size;
    if (size === undefined) continue;
    binary.set(output.name, body.subarray(offset, offset + size));
    offset += size;
  }
  if (offset !== body.length)
    throw new Error(`binary section is ${body.length - headerLength} bytes, outputs claim ${offset - headerLength}`);
  return { json, binary };
}

export interface InferOutput {
  name: string;
  datatype: Datatype;
  shape: number[];
  /** Values: a typed array (FP16 widened to a Float32Array, BOOL as 0/1 in a Uint8Array), BYTES as Buffers. */
  data: TypedArray | Buffer[];
  /** The raw bytes, for a binary output. */
  bytes?: Buffer;
}

export interface InferResult {
  model_name: string;
  model_version: string;
  id?: string;
  /** How Switchyard served it: device, policy, batch_size, queue_ms, compute_ms... */
  parameters: Record<string, unknown>;
  outputs: InferOutput[];
}

/** A split response with each output's values as a typed array (JSON ones converted). */
export function toInferResult(json: WireInferResponse, binary: Map<string, Buffer>): InferResult {
  const outputs = (json.outputs ?? []).map((o): InferOutput => {
    const bytes = binary.get(o.name);
    const datatype = o.datatype;
    let data: TypedArray | Buffer[];
    if (datatype === 'BYTES') data = bytes ? decodeBytesElements(bytes) : ((o.data ?? []) as string[]).map((s) => Buffer.from(s, 'utf8'));
    else data = bytes ? typedArrayFrom(datatype, bytes) : typedArrayFromJson(datatype, o.data ?? []);
    return { name: o.name, datatype, shape: o.shape, data, ...(bytes ? { bytes } : {}) };
  });
  return { ...json, parameters: json.parameters ?? {}, outputs };
}

/** The output called `name` (throws when the response has none). */
export function outputOf(result: InferResult, name: string): InferOutput {
  const output = result.outputs.find((o) => o.name === name);
  if (!output) throw new Error(`no output "${name}" in the response (has ${result.outputs.map((o) => o.name).join(', ')})`);
  return output;
}
