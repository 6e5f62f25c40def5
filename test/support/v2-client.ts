/**
 * A small Open Inference Protocol client for the e2e specs: builds JSON and binary-extension
 * requests and splits responses the way Triton's and KServe's clients do.
 */
export interface V2Response {
  status: number;
  headers: Headers;
  /** The JSON body, or the JSON header of a binary response. */
  json: any;
  /** Binary outputs by name (binary tensor data extension). */
  binary: Map<string, Buffer>;
}

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

/** Sends `header` as JSON followed by the binary inputs (their binary_data_size is filled in). */
export async function postBinary(
  url: string,
  path: string,
  header: Record<string, unknown>,
  inputs: BinaryInput[],
  headers: Record<string, string> = {},
): Promise<V2Response> {
  const json = Buffer.from(
    JSON.stringify({
      ...header,
      inputs: inputs.map(({ name, datatype, shape, bytes }) => ({ name, datatype, shape, parameters: { binary_data_size: bytes.length } })),
    }),
  );
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(json.length), ...headers },
    body: Buffer.concat([json, ...inputs.map((i) => i.bytes)]),
  });
  return readV2Response(res);
}

export async function readV2Response(res: Response): Promise<V2Response> {
  const body = Buffer.from(await res.arrayBuffer());
  const headerLength = res.headers.get('inference-header-content-length');
  return { status: res.status, headers: res.headers, ...splitV2Body(body, headerLength === null ? undefined : Number(headerLength)) };
}

/** tritonclient's InferResult logic: binary outputs follow the JSON in the order they are listed. */
export function splitV2Body(body: Buffer, headerLength?: number): { json: any; binary: Map<string, Buffer> } {
  const json = JSON.parse(body.toString('utf8', 0, headerLength ?? body.length));
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

/** A copy of the bytes as a typed array (Buffers from the pool may be unaligned). */
export function asFloat32(bytes: Buffer): Float32Array {
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
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
