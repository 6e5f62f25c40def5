import { isTensorDataType, type WireTensor } from '@switchyard/common';
import type { InferenceTask, SessionTensorMetadata } from '../../interfaces/inference-task.interface';

/** Header naming the length of the JSON part of a binary-extension body (Triton, KServe, Switchyard). */
export const INFERENCE_HEADER_CONTENT_LENGTH = 'inference-header-content-length';

/**
 * A task as an Open Inference Protocol request with the binary tensor data extension: the JSON
 * header, then each input's raw bytes; every output is asked for as binary data.
 */
export function encodeV2Request(task: InferenceTask): { body: Buffer; headerLength: number } {
  const header = {
    inputs: task.inputs.map((t) => ({
      name: t.name,
      datatype: t.datatype,
      shape: t.shape,
      parameters: { binary_data_size: t.data.byteLength },
    })),
    ...(task.outputNames ? { outputs: task.outputNames.map((name) => ({ name, parameters: { binary_data: true } })) } : {}),
    parameters: { binary_data_output: true },
  };
  const json = Buffer.from(JSON.stringify(header));
  return { body: Buffer.concat([json, ...task.inputs.map((t) => new Uint8Array(t.data))]), headerLength: json.length };
}

interface V2Output {
  name?: unknown;
  datatype?: unknown;
  shape?: unknown;
  parameters?: { binary_data_size?: unknown };
}

/**
 * The outputs of a binary-extension response, each copied into an ArrayBuffer of its own (a
 * WireTensor owns its whole buffer). Throws on a body that does not add up, or an output sent
 * as JSON values (the remote must speak the binary extension).
 */
export function decodeV2Response(body: Buffer, headerLength: number | undefined): WireTensor[] {
  const jsonEnd = headerLength ?? body.length;
  if (!(jsonEnd >= 0 && jsonEnd <= body.length)) throw new Error(`header length ${headerLength} does not fit a ${body.length}-byte body`);
  const head = JSON.parse(body.toString('utf8', 0, jsonEnd)) as { outputs?: V2Output[] };
  let offset = jsonEnd;
  return (head.outputs ?? []).map((o) => {
    const size = o.parameters?.binary_data_size;
    if (typeof o.name !== 'string' || !isTensorDataType(o.datatype) || !isShape(o.shape))
      throw new Error(`output ${JSON.stringify(o.name)} has no valid name, datatype and shape`);
    if (typeof size !== 'number' || headerLength === undefined) throw new Error(`output "${o.name}" came as JSON values, not binary data`);
    if (offset + size > body.length) throw new Error(`output "${o.name}" claims ${size} bytes past the end of the body`);
    const data = new ArrayBuffer(size);
    new Uint8Array(data).set(body.subarray(offset, offset + size));
    offset += size;
    return { name: o.name, datatype: o.datatype, shape: o.shape, data };
  });
}

/** The tensors of a GET /v2/models/{m}[/versions/{v}] answer, as a session would report them. */
export function metadataTensors(list: unknown, what: string): SessionTensorMetadata[] {
  if (!Array.isArray(list)) throw new Error(`its metadata has no ${what} list`);
  return list.map((t: { name?: unknown; datatype?: unknown; shape?: unknown }) => {
    if (typeof t.name !== 'string' || !isTensorDataType(t.datatype) || !isShape(t.shape))
      throw new Error(`its metadata has an invalid ${what} ${JSON.stringify(t)}`);
    return { name: t.name, datatype: t.datatype, shape: t.shape };
  });
}

function isShape(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((d) => Number.isInteger(d));
}
