import { InvalidRequestError } from '@switchyard/common';
import type { ModelTensorSpec } from '@switchyard/models';
import { halfBitsToFloat } from '../codec/fp16';
import { smallIntView } from '../codec/typed-views';

type NumberView = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

/**
 * The config's filters on an input's decoded values: NaN and Infinity in a float input are
 * refused unless the spec allows them, and every value must lie in the spec's range. One loop
 * over the typed array, where the request is decoded (a codec worker for big bodies); the 400
 * names the input and the first bad element (its flat, row-major index).
 */
export function checkInputValues(spec: ModelTensorSpec, data: ArrayBuffer): void {
  const finiteOnly = !spec.allowNonFinite;
  switch (spec.datatype) {
    case 'FP16':
      if (finiteOnly || spec.range) checkHalves(spec, new Uint16Array(data), finiteOnly);
      return;
    case 'FP32':
    case 'FP64':
      if (finiteOnly || spec.range)
        checkNumbers(spec, spec.datatype === 'FP32' ? new Float32Array(data) : new Float64Array(data), finiteOnly);
      return;
    case 'BOOL':
    case 'BYTES':
      return;
    case 'INT64':
    case 'UINT64':
      if (spec.range) checkBigInts(spec, spec.datatype === 'INT64' ? new BigInt64Array(data) : new BigUint64Array(data), spec.range);
      return;
    default:
      if (spec.range) checkNumbers(spec, smallIntView(spec.datatype, data), false);
  }
}

function checkNumbers(spec: ModelTensorSpec, view: NumberView, finiteOnly: boolean): void {
  const [min, max] = spec.range ?? [-Infinity, Infinity];
  const ranged = spec.range !== undefined;
  const n = view.length;
  for (let i = 0; i < n; i++) {
    const v = view[i];
    // NaN fails both comparisons: it is caught by the finite check or by the range check
    if (finiteOnly && v - v !== 0) nonFinite(spec, i, v);
    if (v < min || v > max || (ranged && v !== v)) outOfRange(spec, i, v);
  }
}

function checkHalves(spec: ModelTensorSpec, bits: Uint16Array, finiteOnly: boolean): void {
  const n = bits.length;
  if (finiteOnly) {
    // exponent all ones: Infinity or NaN
    for (let i = 0; i < n; i++) if ((bits[i] & 0x7c00) === 0x7c00) nonFinite(spec, i, halfBitsToFloat(bits[i]));
  }
  if (!spec.range) return;
  const [min, max] = spec.range;
  for (let i = 0; i < n; i++) {
    const v = halfBitsToFloat(bits[i]);
    if (!(v >= min && v <= max)) outOfRange(spec, i, v);
  }
}

function checkBigInts(spec: ModelTensorSpec, view: BigInt64Array | BigUint64Array, range: readonly [number, number]): void {
  // integer bounds: ceil(min)..floor(max) keep exactly the same integers
  const min = BigInt(Math.ceil(range[0]));
  const max = BigInt(Math.floor(range[1]));
  const n = view.length;
  for (let i = 0; i < n; i++) {
    const v = view[i];
    if (v < min || v > max) outOfRange(spec, i, v);
  }
}

function nonFinite(spec: ModelTensorSpec, index: number, value: number): never {
  throw new InvalidRequestError(
    `input '${spec.name}': element ${index} is ${value}; the model accepts finite values only (allow_non_finite is not set in its config)`,
  );
}

function outOfRange(spec: ModelTensorSpec, index: number, value: number | bigint): never {
  const [min, max] = spec.range!;
  throw new InvalidRequestError(`input '${spec.name}': element ${index} = ${value} is outside the input's range [${min}, ${max}]`);
}
