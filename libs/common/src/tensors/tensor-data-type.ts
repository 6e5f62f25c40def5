/** Tensor element types as the Open Inference Protocol (KServe v2 / Triton) names them. */
export const TENSOR_DATA_TYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;

export type TensorDataType = (typeof TENSOR_DATA_TYPES)[number];

/** onnxruntime's name of each type (Tensor#type). */
export const ORT_TYPE: Record<TensorDataType, string> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};

/** Bytes of one element; 0 for BYTES, whose elements vary in size (see bytes-tensor.ts). */
export const BYTES_PER_ELEMENT: Record<TensorDataType, number> = {
  BOOL: 1,
  UINT8: 1,
  UINT16: 2,
  UINT32: 4,
  UINT64: 8,
  INT8: 1,
  INT16: 2,
  INT32: 4,
  INT64: 8,
  FP16: 2,
  FP32: 4,
  FP64: 8,
  BYTES: 0,
};

const FROM_ORT = Object.fromEntries(Object.entries(ORT_TYPE).map(([k, v]) => [v, k])) as Record<string, TensorDataType>;

export function fromOrtType(ortType: string): TensorDataType | undefined {
  return FROM_ORT[ortType];
}

export function isTensorDataType(value: unknown): value is TensorDataType {
  return typeof value === 'string' && (TENSOR_DATA_TYPES as readonly string[]).includes(value);
}

/** Product of a shape's dimensions (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
