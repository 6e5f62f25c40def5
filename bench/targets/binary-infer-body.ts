import type { WireTensor } from '@switchyard/common';

/**
 * An Open Inference Protocol request with the binary tensor data extension (what Triton's
 * clients send for speed): the JSON header, then each input's raw bytes. Returns the body and
 * the value of Inference-Header-Content-Length.
 */
export function encodeBinaryInferRequest(
  id: string,
  inputs: readonly WireTensor[],
  parameters: Record<string, unknown>,
): { body: Buffer; headerLength: number } {
  const header = Buffer.from(
    JSON.stringify({
      id,
      inputs: inputs.map((t) => ({
        name: t.name,
        datatype: t.datatype,
        shape: t.shape,
        parameters: { binary_data_size: t.data.byteLength },
      })),
      parameters: { ...parameters, binary_data_output: true },
    }),
  );
  return { body: Buffer.concat([header, ...inputs.map((t) => Buffer.from(t.data))]), headerLength: header.length };
}

/** The JSON header of a response (binary outputs after it are not decoded). */
export function decodeInferResponseHeader(body: Buffer, headerLength: string | string[] | undefined): Record<string, unknown> {
  const n = typeof headerLength === 'string' ? Number(headerLength) : body.length;
  return JSON.parse(body.toString('utf8', 0, n)) as Record<string, unknown>;
}
