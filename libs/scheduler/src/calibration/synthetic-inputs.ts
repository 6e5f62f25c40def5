import { BYTES_PER_ELEMENT, elementCount, encodeBytesElements, type TensorDataType, type WireTensor } from '@switchyard/common';
import type { ServedModel } from '@switchyard/models';

/**
 * Random inputs of a model's shapes and dtypes for calibration runs: the batch dim (first dim of
 * a batching model) set to `batchSize`, any other variable dim to 1. Values are small and finite
 * (floats in [-1, 1), FP16 as normal binary16 numbers, integers in 0..9, BOOL 0/1), so no run
 * hits a denormal or NaN slow path.
 */
export function syntheticInputs(
  model: Pick<ServedModel, 'inputs' | 'maxBatchSize'>,
  batchSize: number,
  random: () => number = Math.random,
): WireTensor[] {
  return model.inputs.map((spec) => {
    const shape = spec.shape.map((d, i) => (i === 0 && model.maxBatchSize > 0 ? batchSize : d < 0 ? 1 : d));
    const n = elementCount(shape);
    if (spec.datatype === 'BYTES') {
      const data = encodeBytesElements(Array.from({ length: n }, () => Buffer.from(String(Math.floor(random() * 10)))));
      return { name: spec.name, datatype: spec.datatype, shape, data };
    }
    const data = new ArrayBuffer(n * BYTES_PER_ELEMENT[spec.datatype]);
    fill(spec.datatype, data, n, random);
    return { name: spec.name, datatype: spec.datatype, shape, data };
  });
}

function fill(dtype: TensorDataType, data: ArrayBuffer, n: number, random: () => number): void {
  switch (dtype) {
    case 'FP32':
    case 'FP64': {
      const view = dtype === 'FP32' ? new Float32Array(data) : new Float64Array(data);
      for (let i = 0; i < n; i++) view[i] = random() * 2 - 1;
      return;
    }
    case 'FP16': {
      const view = new Uint16Array(data);
      // sign | exponent 9..14 (2^-6 .. <1) | random mantissa
      for (let i = 0; i < n; i++)
        view[i] = ((random() < 0.5 ? 1 : 0) << 15) | ((9 + Math.floor(random() * 6)) << 10) | Math.floor(random() * 1024);
      return;
    }
    case 'INT64':
    case 'UINT64': {
      const view = dtype === 'INT64' ? new BigInt64Array(data) : new BigUint64Array(data);
      for (let i = 0; i < n; i++) view[i] = BigInt(Math.floor(random() * 10));
      return;
    }
    case 'BOOL': {
      const view = new Uint8Array(data);
      for (let i = 0; i < n; i++) view[i] = random() < 0.5 ? 1 : 0;
      return;
    }
    default: {
      const bytes = BYTES_PER_ELEMENT[dtype];
      const view = bytes === 1 ? new Uint8Array(data) : bytes === 2 ? new Uint16Array(data) : new Uint32Array(data);
      for (let i = 0; i < n; i++) view[i] = Math.floor(random() * 10);
    }
  }
}
