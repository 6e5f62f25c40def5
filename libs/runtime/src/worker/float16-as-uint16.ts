type OrtModule = typeof import('onnxruntime-node');

let settled = false;

/**
 * Keeps float16 tensor data as Uint16Array in onnxruntime on Node >= 24. Where the global
 * Float16Array exists, onnxruntime-common turns every float16 tensor's data into a Float16Array,
 * and the onnxruntime-node 1.30 binding (its node-addon-api predates napi_float16_array) reads
 * that array's byte length as 0: every float16 input fails with "not enough space: expected N,
 * got 0" (microsoft/onnxruntime#32323). onnxruntime-common settles its type map at the first
 * Tensor it builds; building that one while Float16Array is hidden makes the map keep Uint16Array,
 * which the binding reads. Call before any Tensor is made in the thread (idempotent).
 */
export function keepFloat16AsUint16(ort: OrtModule): void {
  if (settled) return;
  settled = true;
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'Float16Array');
  if (!descriptor) return;
  Object.defineProperty(globalThis, 'Float16Array', { value: undefined, configurable: true, writable: true });
  try {
    new ort.Tensor('float32', new Float32Array(1), [1]);
  } finally {
    Object.defineProperty(globalThis, 'Float16Array', descriptor);
  }
}
