import { seededRandom } from '@switchyard/common';

/** The JSON values sent per dtype_echo input (and expected back, FP32 compared as float32). */
export type EchoValues = Record<string, Array<number | boolean>>;

/** dtype_echo's inputs and how to draw a value for each (FP16: exact halves, so they echo exactly). */
const DRAW: Record<string, (r: () => number) => number | boolean> = {
  FP32: (r) => (r() - 0.5) * 2000,
  FP16: (r) => Math.floor(r() * 2048) / 1024 - 1,
  INT64: (r) => Math.floor((r() - 0.5) * 2 ** 52),
  INT32: (r) => Math.floor((r() - 0.5) * 2 ** 32),
  INT8: (r) => Math.floor(r() * 256) - 128,
  UINT8: (r) => Math.floor(r() * 256),
  BOOL: (r) => r() < 0.5,
};

/**
 * A JSON inference request for dtype_echo of about `targetBytes` (the heavy client of the
 * big-body bench scenario and e2e specs): every input gets the same element count.
 */
export function bigEchoBody(targetBytes: number, seed = 1): { body: Buffer; values: EchoValues; elements: number } {
  const random = seededRandom(seed);
  const probe = Object.fromEntries(Object.entries(DRAW).map(([dtype, draw]) => [dtype, Array.from({ length: 1000 }, () => draw(random))]));
  const bytesPerElement = JSON.stringify(probe).length / 1000;
  const elements = Math.max(1, Math.floor(targetBytes / bytesPerElement));
  const values: EchoValues = Object.fromEntries(
    Object.entries(DRAW).map(([dtype, draw]) => [dtype, Array.from({ length: elements }, () => draw(random))]),
  );
  const inputs = Object.entries(values).map(([dtype, data]) => ({
    name: `in_${dtype.toLowerCase()}`,
    datatype: dtype,
    shape: [elements],
    data,
  }));
  return { body: Buffer.from(JSON.stringify({ inputs })), values, elements };
}
