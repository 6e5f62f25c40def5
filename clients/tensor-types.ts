/** Tensor element types of the Open Inference Protocol (KServe v2 / Triton). */
export type Datatype =
  'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

/** Tensor values: a typed array (sent as raw bytes), or plain JSON values (BYTES: strings or Buffers). */
export type TensorData = TypedArray | number[] | boolean[] | string[] | Buffer[];

type TypedArrayConstructor = { new (buffer: ArrayBuffer, byteOffset?: number, length?: number): TypedArray; BYTES_PER_ELEMENT: number };

/** The typed array of each fixed-size type on the wire (FP16 as its raw 16-bit patterns, BOOL as 0/1 bytes). */
export const TYPED_ARRAYS: Record<Exclude<Datatype, 'BYTES'>, TypedArrayConstructor> = {
  BOOL: Uint8Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
  UINT64: BigUint64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
  FP16: Uint16Array,
  FP32: Float32Array,
  FP64: Float64Array,
};

/** The datatype a typed array stands for (Uint8Array -> UINT8, Uint16Array -> UINT16: say BOOL or FP16 explicitly). */
export function datatypeOf(data: TensorData): Datatype {
  if (data instanceof Float32Array) return 'FP32';
  if (data instanceof Float64Array) return 'FP64';
  if (data instanceof Int8Array) return 'INT8';
  if (data instanceof Int16Array) return 'INT16';
  if (data instanceof Int32Array) return 'INT32';
  if (data instanceof BigInt64Array) return 'INT64';
  if (data instanceof Uint8Array && !Buffer.isBuffer(data)) return 'UINT8';
  if (data instanceof Uint16Array) return 'UINT16';
  if (data instanceof Uint32Array) return 'UINT32';
  if (data instanceof BigUint64Array) return 'UINT64';
  const first = (data as unknown[])[0];
  if (typeof first === 'boolean') return 'BOOL';
  if (typeof first === 'string' || Buffer.isBuffer(first)) return 'BYTES';
  throw new Error('give the datatype of a plain number array (FP32, INT64, ...)');
}

/** An IEEE half float's value from its 16 bits. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/**
 * A copy of `bytes` as an aligned typed array of `datatype` (response buffers may be unaligned);
 * FP16 values are widened into a Float32Array (exact: every half is a float).
 */
export function typedArrayFrom(datatype: Exclude<Datatype, 'BYTES'>, bytes: Uint8Array): TypedArray {
  const Ctor = TYPED_ARRAYS[datatype];
  if (bytes.byteLength % Ctor.BYTES_PER_ELEMENT !== 0)
    throw new Error(`${bytes.byteLength} bytes is not a whole number of ${datatype} values`);
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  const view = new Ctor(copy, 0, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
  return datatype === 'FP16' ? Float32Array.from(view as Uint16Array, halfToFloat) : view;
}

/** JSON output values as a typed array (NaN/Infinity arrive as null; INT64/UINT64 as safe integers). */
export function typedArrayFromJson(datatype: Exclude<Datatype, 'BYTES'>, values: readonly unknown[]): TypedArray {
  const Ctor = TYPED_ARRAYS[datatype] as unknown as { from(values: Iterable<unknown>): TypedArray };
  if (datatype === 'INT64' || datatype === 'UINT64') return Ctor.from(values.map((v) => BigInt(v as number)));
  if (datatype === 'BOOL') return Ctor.from(values.map((v) => (v ? 1 : 0)));
  if (datatype === 'FP16') return Float32Array.from(values, (v) => (v === null ? NaN : (v as number)));
  return Ctor.from(values.map((v) => (v === null ? NaN : (v as number))));
}

/** BYTES elements in the binary form: each a 4-byte little-endian length, then its bytes. */
export function encodeBytesElements(values: readonly (string | Buffer)[]): Buffer {
  return Buffer.concat(
    values.flatMap((v) => {
      const bytes = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return [length, bytes];
    }),
  );
}

export function decodeBytesElements(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let offset = 0; offset < bytes.length;) {
    if (offset + 4 > bytes.length) throw new Error('truncated BYTES element length');
    const n = bytes.readUInt32LE(offset);
    if (offset + 4 + n > bytes.length) throw new Error('truncated BYTES element');
    out.push(bytes.subarray(offset + 4, offset + 4 + n));
    offset += 4 + n;
  }
  return out;
}
