import { BYTES_PER_ELEMENT, InvalidRequestError, type TensorDataType } from '@switchyard/common';
import { floatToHalfBits } from './fp16';
import type { JsonNumbers } from './infer-json.parser';
import { smallIntView } from './typed-views';

type IntRange = readonly [min: number, max: number];

const INT_RANGES: Partial<Record<TensorDataType, IntRange>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-(2 ** 31), 2 ** 31 - 1],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 2 ** 32 - 1],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
};

/**
 * Flattens a tensor's JSON "data" (flat, or nested row-major as the protocol allows) into one
 * array, without recursion. Nesting deeper than `maxDepth` is refused.
 */
export function flattenJsonData(data: unknown[], maxDepth: number, tensor: string): unknown[] {
  // flat unless the first item is an array (a stray array later fails the value checks as a 400)
  if (data.length === 0 || !Array.isArray(data[0])) return data;
  const out: unknown[] = [];
  const stack: Array<{ items: unknown[]; index: number }> = [{ items: data, index: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.index === top.items.length) {
      stack.pop();
      continue;
    }
    const item = top.items[top.index++];
    if (!Array.isArray(item)) {
      out.push(item);
    } else if (stack.length >= maxDepth) {
      throw new InvalidRequestError(`input '${tensor}': "data" is nested deeper than the tensor's rank ${maxDepth}`);
    } else {
      stack.push({ items: item, index: 0 });
    }
  }
  return out;
}

/** Where decoded tensors get their memory: a fresh buffer, or one from a BufferPool. */
export type AllocateBuffer = (byteLength: number) => ArrayBuffer;

const freshBuffer: AllocateBuffer = (n) => new ArrayBuffer(n);

/**
 * Converts flat JSON values into the tensor's little-endian bytes (every byte is written, so a
 * recycled buffer from `allocate` is fine).
 * Integers must be integers in the type's range (INT64/UINT64: JS safe integers; send larger
 * values as binary data); FP16 values are rounded to IEEE binary16; BOOL takes true/false (or 0/1).
 */
export function jsonValuesToBuffer(
  values: readonly unknown[],
  datatype: TensorDataType,
  tensor: string,
  allocate: AllocateBuffer = freshBuffer,
): ArrayBuffer {
  const n = values.length;
  const buffer = allocate(n * BYTES_PER_ELEMENT[datatype]);
  const bad = (i: number): never => {
    const shown = JSON.stringify(values[i]) ?? String(values[i]);
    throw new InvalidRequestError(`input '${tensor}': data[${i}] = ${shown.slice(0, 40)} is not a valid ${datatype} value`);
  };
  switch (datatype) {
    case 'BOOL': {
      const view = new Uint8Array(buffer);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === true || v === 1) view[i] = 1;
        else if (v === false || v === 0)
          view[i] = 0; // recycled buffers are not zeroed
        else bad(i);
      }
      return buffer;
    }
    case 'FP16': {
      const view = new Uint16Array(buffer);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number') bad(i);
        view[i] = floatToHalfBits(v as number);
      }
      return buffer;
    }
    case 'FP32':
    case 'FP64': {
      const view = datatype === 'FP32' ? new Float32Array(buffer) : new Float64Array(buffer);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number') bad(i);
        view[i] = v as number;
      }
      return buffer;
    }
    case 'INT64':
    case 'UINT64': {
      const [min, max] = INT_RANGES[datatype]!;
      // written as two 32-bit halves (little-endian, two's complement): no BigInt per value
      const words = new Uint32Array(buffer);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) bad(i);
        const high = Math.floor((v as number) / 0x100000000);
        words[2 * i] = (v as number) - high * 0x100000000;
        words[2 * i + 1] = high; // a negative high half wraps to its two's complement
      }
      return buffer;
    }
    default: {
      const [min, max] = INT_RANGES[datatype]!;
      const view = smallIntView(datatype, buffer);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) bad(i);
        view[i] = v as number;
      }
      return buffer;
    }
  }
}

/**
 * Converts a data array read as numbers (see parseInferJson) into the tensor's bytes with the
 * same checks and messages as {@link jsonValuesToBuffer}: integers in range, BOOL as true/false
 * or 0/1, booleans only for BOOL. FP32 rounds each double to float32 (as Math.fround).
 */
export function jsonNumbersToBuffer(
  numbers: JsonNumbers,
  datatype: TensorDataType,
  tensor: string,
  allocate: AllocateBuffer = freshBuffer,
): ArrayBuffer {
  numbers.assertCurrent();
  const n = numbers.length;
  const values = numbers.values;
  const bad = (i: number): never => {
    const shown = numbers.booleans ? String(values[i] === 1) : (JSON.stringify(values[i]) ?? String(values[i]));
    throw new InvalidRequestError(`input '${tensor}': data[${i}] = ${shown.slice(0, 40)} is not a valid ${datatype} value`);
  };
  if (numbers.booleans && datatype !== 'BOOL' && n > 0) bad(0);
  const buffer = allocate(n * BYTES_PER_ELEMENT[datatype]);
  switch (datatype) {
    case 'BOOL': {
      const view = new Uint8Array(buffer);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v !== 0 && v !== 1) bad(i);
        view[i] = v;
      }
      return buffer;
    }
    case 'FP16': {
      const view = new Uint16Array(buffer);
      for (let i = 0; i < n; i++) view[i] = floatToHalfBits(values[i]);
      return buffer;
    }
    case 'FP32':
      new Float32Array(buffer).set(values.subarray(0, n));
      return buffer;
    case 'FP64':
      new Float64Array(buffer).set(values.subarray(0, n));
      return buffer;
    case 'INT64':
    case 'UINT64': {
      const [min, max] = INT_RANGES[datatype]!;
      const words = new Uint32Array(buffer);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (!Number.isInteger(v) || v < min || v > max) bad(i);
        const high = Math.floor(v / 0x100000000);
        words[2 * i] = v - high * 0x100000000;
        words[2 * i + 1] = high;
      }
      return buffer;
    }
    default: {
      const [min, max] = INT_RANGES[datatype]!;
      const view = smallIntView(datatype, buffer);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (!Number.isInteger(v) || v < min || v > max) bad(i);
        view[i] = v;
      }
      return buffer;
    }
  }
}
