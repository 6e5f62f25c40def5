import {
  encodeInferRequest,
  HEADER_LENGTH,
  type InferInput,
  type InferRequestOptions,
  splitInferResponse,
  typedArrayFrom,
} from '../../clients';

/**
 * The e2e specs' view of the Open Inference Protocol: any status comes back with the JSON and the
 * binary outputs, for asserting on errors too. Encoding and splitting are the client's
 * (clients/infer-codec.ts); only tests that send malformed bytes on purpose build them by hand.
 */
export interface V2Response {
  status: number;
  headers: Headers;
  /** The JSON body, or the JSON header of a binary response. */
  json: any;
  /** Binary outputs by name (binary tensor data extension). */
  binary: Map<string, Buffer>;
}

/** An input as raw bytes in the wire format (the client's InferInput takes typed arrays and values too). */
export interface BinaryInput {
  name: string;
  datatype: string;
  shape: number[];
  bytes: Buffer;
}

export async function postJson(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<V2Response> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return readV2Response(res);
}

/**
 * Sends `header` (id, parameters, outputs) with the inputs, through the client's encoder: raw
 * `bytes` inputs go as binary tensor data (their binary_data_size filled in), others as JSON.
 * Unlike the client's infer(), any status is returned, not thrown.
 */
export async function postBinary(
  url: string,
  path: string,
  header: Pick<InferRequestOptions, 'id' | 'parameters' | 'outputs'>,
  inputs: (BinaryInput | InferInput)[],
  headers: Record<string, string> = {},
): Promise<V2Response> {
  const encoded = encodeInferRequest(inputs as InferInput[], { ...header, binaryOutputs: false });
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { ...encoded.headers, ...headers }, body: encoded.body });
  return readV2Response(res);
}

export async function readV2Response(res: Response): Promise<V2Response> {
  const body = Buffer.from(await res.arrayBuffer());
  const headerLength = res.headers.get(HEADER_LENGTH);
  return { status: res.status, headers: res.headers, ...splitV2Body(body, headerLength === null ? undefined : Number(headerLength)) };
}

/** tritonclient's InferResult logic (the client's): binary outputs follow the JSON in the order they are listed. */
export function splitV2Body(body: Buffer, headerLength?: number): { json: any; binary: Map<string, Buffer> } {
  return splitInferResponse(body, headerLength);
}

/** A copy of the bytes as a typed array (Buffers from the pool may be unaligned). */
export function asFloat32(bytes: Buffer): Float32Array {
  return typedArrayFrom('FP32', bytes) as Float32Array;
}

export function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/** Deterministic inputs in [-1, 1). */
export function seededFloats(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 2 - 1;
  });
}
