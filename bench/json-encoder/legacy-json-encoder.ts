import type { TensorDataType } from '@switchyard/common';
// the previous encoder, kept as the bench's baseline, on the codec's own typed views (an internal of
// the inference lib on purpose: the comparison is of the two encoders over the same views)
import { halfBitsToFloat, smallIntView } from '@switchyard/inference/testing';

/**
 * The JSON output encoder as it was on main at c52e805 (one string per value, then join), kept
 * verbatim as the baseline of the encoder benchmark only. Production uses bufferToJsonBytes.
 */
export function legacyBufferToJsonText(data: ArrayBuffer, datatype: TensorDataType): string {
  const parts: string[] = [];
  switch (datatype) {
    case 'BOOL':
      for (const v of new Uint8Array(data)) parts.push(v ? 'true' : 'false');
      break;
    case 'FP16':
      for (const bits of new Uint16Array(data)) parts.push(floatText(halfBitsToFloat(bits)));
      break;
    case 'FP32':
      for (const v of new Float32Array(data)) parts.push(floatText(v, 9));
      break;
    case 'FP64':
      for (const v of new Float64Array(data)) parts.push(floatText(v));
      break;
    case 'INT64':
      for (const v of new BigInt64Array(data)) parts.push(v.toString());
      break;
    case 'UINT64':
      for (const v of new BigUint64Array(data)) parts.push(v.toString());
      break;
    default:
      for (const v of smallIntView(datatype, data)) parts.push(String(v));
  }
  return `[${parts.join(',')}]`;
}

function floatText(v: number, digits?: number): string {
  if (!Number.isFinite(v)) return 'null';
  if (Object.is(v, -0)) return '-0';
  return digits === undefined ? String(v) : String(Number(v.toPrecision(digits)));
}
