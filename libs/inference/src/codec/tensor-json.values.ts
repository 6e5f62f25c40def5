import type { TensorDataType } from '@switchyard/common';
import { halfBitsToFloat } from './fp16';
import { smallIntView } from './typed-views';

/**
 * The tensor's values as JS values, the ones JSON.parse would return for bufferToJsonBytes's text:
 * FP32 rounded to its 9 identifying digits, non-finite floats as null, 64-bit integers as numbers
 * (beyond 2^53 they lose precision, as in any JSON parser without big integers).
 */
export function bufferToJsonValues(data: ArrayBuffer, datatype: TensorDataType): Array<number | boolean | null> {
  switch (datatype) {
    case 'BOOL':
      return Array.from(new Uint8Array(data), (v) => v !== 0);
    case 'FP16':
      return Array.from(new Uint16Array(data), (bits) => finite(halfBitsToFloat(bits)));
    case 'FP32':
      return Array.from(new Float32Array(data), (v) => (Number.isFinite(v) ? Number(v.toPrecision(9)) : null));
    case 'FP64':
      return Array.from(new Float64Array(data), finite);
    case 'INT64':
      return Array.from(new BigInt64Array(data), Number);
    case 'UINT64':
      return Array.from(new BigUint64Array(data), Number);
    default:
      return Array.from(smallIntView(datatype, data));
  }
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
