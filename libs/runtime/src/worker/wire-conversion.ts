import { decodeBytesElements, encodeBytesElements, fromOrtType, ORT_TYPE, type WireTensor } from '@switchyard/common';
import type { Tensor as OrtTensor, TypedTensor } from 'onnxruntime-node';
import type { BufferPool } from '../memory/buffer-pool';
import { keepFloat16AsUint16 } from './float16-as-uint16';

type OrtModule = typeof import('onnxruntime-node');

const VIEW: Record<string, (b: ArrayBuffer) => ArrayBufferView> = {
  float32: (b) => new Float32Array(b),
  float64: (b) => new Float64Array(b),
  float16: (b) => new Uint16Array(b),
  int8: (b) => new Int8Array(b),
  int16: (b) => new Int16Array(b),
  int32: (b) => new Int32Array(b),
  int64: (b) => new BigInt64Array(b),
  uint8: (b) => new Uint8Array(b),
  uint16: (b) => new Uint16Array(b),
  uint32: (b) => new Uint32Array(b),
  uint64: (b) => new BigUint64Array(b),
  bool: (b) => new Uint8Array(b),
};

/** Wraps a WireTensor's buffer as an ORT tensor without copying. */
export function toOrtTensor(ort: OrtModule, t: WireTensor): OrtTensor {
  keepFloat16AsUint16(ort);
  if (t.datatype === 'BYTES') return toOrtStringTensor(ort, t);
  const type = ORT_TYPE[t.datatype];
  return new ort.Tensor(type as 'float32', VIEW[type](t.data) as Float32Array, t.shape);
}

/**
 * Turns an ORT output into a WireTensor whose buffer is exactly the tensor's bytes, so it can be
 * transferred. Copies (into a pooled buffer) only when ORT's array does not own its whole buffer.
 */
export function fromOrtTensor(name: string, tensor: OrtTensor, pool: BufferPool): WireTensor {
  const datatype = fromOrtType(tensor.type);
  if (!datatype) throw new Error(`output "${name}" has type ${tensor.type}, which Switchyard cannot return`);
  if (datatype === 'BYTES') {
    const strings = (tensor as TypedTensor<'string'>).data;
    return { name, datatype, shape: [...tensor.dims], data: encodeBytesElements(strings.map((s) => Buffer.from(s, 'utf8'))) };
  }
  const data = (tensor as TypedTensor<'float32'>).data as unknown as ArrayBufferView;
  let buffer = data.buffer as ArrayBuffer;
  if (data.byteOffset !== 0 || data.byteLength !== buffer.byteLength || buffer instanceof SharedArrayBuffer) {
    buffer = pool.acquire(data.byteLength);
    new Uint8Array(buffer).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return { name, datatype, shape: [...tensor.dims], data: buffer };
}

/** ORT's string tensors hold JS strings: BYTES elements are read as UTF-8. */
function toOrtStringTensor(ort: OrtModule, t: WireTensor): OrtTensor {
  const elements = decodeBytesElements(t.data);
  if ('problem' in elements) throw new Error(`input "${t.name}": ${elements.problem}`);
  return new ort.Tensor(
    'string',
    elements.map((e) => Buffer.from(e.buffer, e.byteOffset, e.byteLength).toString('utf8')),
    t.shape,
  );
}
