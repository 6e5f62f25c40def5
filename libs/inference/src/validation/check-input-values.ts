import { InvalidRequestError } from '@switchyard/common';
import type { ModelTensorSpec } from '@switchyard/models';
import { halfBitsToFloat } from '../codec/fp16';
import { smallIntView } from '../codec/typed-views';

type NumberView = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

/**
 * The config's filters on an input's decoded values: NaN and Infinity in a float input are
 * refused unless the spec allows them, and every value must lie in the spec's range. Loops over
 * the typed array, where the request is decoded (a codec worker for big bodies); the 400 names
 * the input and the first bad element (its flat, row-major index).
 */
export function checkInputValues(spec: ModelTensorSpec, data: ArrayBuffer): void {
  const finiteOnly = !spec.allowNonFinite;
  switch (spec.datatype) {
    case 'FP16': {
      const bits = new Uint16Array(data);
      if (finiteOnly) checkHalvesFinite(spec, bits);
      if (spec.range) checkHalvesRange(spec, bits, spec.range);
      return;
    }
    case 'FP32':
    case 'FP64': {
      const view = spec.datatype === 'FP32' ? new Float32Array(data) : new Float64Array(data);
      if (finiteOnly) checkFinite(spec, view);
      if (spec.range) checkRange(spec, view, spec.range);
      return;
    }
    case 'BOOL':
    case 'BYTES':
      return;
    case 'INT64':
    case 'UINT64':
      if (spec.range) checkBigInts(spec, spec.datatype === 'INT64' ? new BigInt64Array(data) : new BigUint64Array(data), spec.range);
      return;
    default:
      if (spec.range) checkRange(spec, smallIntView(spec.datatype, data), spec.range);
  }
}

function checkFinite(spec: ModelTensorSpec, view: Float32Array | Float64Array): void {
  // x * 0 is 0 for every finite x and NaN for NaN and ±Infinity: one branch-free pass, then a
  // second one only to find the index when something is wrong
  let poison = 0;
  for (let i = 0; i < view.length; i++) poison += view[i] * 0;
  if (poison === 0) return;
  for (let i = 0; i < view.length; i++) if (view[i] * 0 !== 0) nonFinite(spec, i, view[i]);
}

function checkHalvesFinite(spec: ModelTensorSpec, bits: Uint16Array): void {
  // exponent all ones: Infinity or NaN
  for (let i = 0; i < bits.length; i++) if ((bits[i] & 0x7c00) === 0x7c00) nonFinite(spec, i, halfBitsToFloat(bits[i]));
}

/** Values outside [min, max], NaN included. */
function checkRange(spec: ModelTensorSpec, view: NumberView, [min, max]: readonly [number, number]): void {
  for (let i = 0; i < view.length; i++) {
    const v = view[i];
    if (!(v >= min && v <= max)) outOfRange(spec, i, v);
  }
}

function checkHalvesRange(spec: ModelTensorSpec, bits: Uint16Array, [min, max]: readonly [number, number]): void {
  const values = halfValues();
  for (let i = 0; i < bits.length; i++) {
    const v = values[bits[i]];
    if (!(v >= min && v <= max)) outOfRange(spec, i, v);
  }
}

function checkBigInts(spec: ModelTensorSpec, view: BigInt64Array | BigUint64Array, range: readonly [number, number]): void {
  // integer bounds: ceil(min)..floor(max) keep exactly the same integers
  const min = BigInt(Math.ceil(range[0]));
  const max = BigInt(Math.floor(range[1]));
  for (let i = 0; i < view.length; i++) {
    const v = view[i];
    if (v < min || v > max) outOfRange(spec, i, v);
  }
}

let halves: Float32Array | undefined;

/** Every FP16 bit pattern's value (exact in float32), built once: range checks without arithmetic. */
function halfValues(): Float32Array {
  if (!halves) {
    halves = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) halves[bits] = halfBitsToFloat(bits);
  }
  return halves;
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
