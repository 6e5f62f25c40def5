import { BYTES_PER_ELEMENT, type TensorDataType } from '@switchyard/common';
import { halfBitsToFloat } from './fp16';
import { smallIntView } from './typed-views';
import { writeAscii, writeFloat32, writeInt } from './json-number.writer';

/** Longest JSON text of one value of each type, bytes (e.g. "-1.17549435e-38" for FP32). */
const MAX_JSON_BYTES: Record<TensorDataType, number> = {
  BOOL: 5,
  INT8: 4,
  UINT8: 3,
  INT16: 6,
  UINT16: 5,
  INT32: 11,
  UINT32: 10,
  INT64: 20,
  UINT64: 20,
  FP16: 24,
  FP32: 15,
  FP64: 24,
  BYTES: 0, // printed by bytes-json.codec, never here
};

const COMMA = 0x2c;
const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];

/**
 * The tensor's bytes as the text of a JSON array (ASCII), written into one buffer. FP32 keeps the
 * 9 significant digits that identify a float32 (shorter than its exact double value); FP16 and
 * FP64 values are printed exactly; INT64/UINT64 are exact too. NaN and Infinity, which JSON
 * cannot hold, become null.
 */
export function bufferToJsonBytes(data: ArrayBuffer, datatype: TensorDataType): Buffer {
  const out = Buffer.allocUnsafe(jsonArrayMaxBytes(data, datatype));
  return out.subarray(0, writeJsonArray(out, 0, data, datatype));
}

/** Most bytes writeJsonArray can write for these tensor bytes. */
export function jsonArrayMaxBytes(data: ArrayBuffer, datatype: TensorDataType): number {
  return 2 + (data.byteLength / BYTES_PER_ELEMENT[datatype]) * (MAX_JSON_BYTES[datatype] + 1);
}

/**
 * Writes the JSON array of the tensor's values (as bufferToJsonBytes) into `out` at `pos`, which
 * has jsonArrayMaxBytes of room; returns the position after the closing bracket.
 */
export function writeJsonArray(out: Buffer, pos: number, data: ArrayBuffer, datatype: TensorDataType): number {
  out[pos] = 0x5b;
  const end = writeValues(out, pos + 1, data, datatype, data.byteLength / BYTES_PER_ELEMENT[datatype]);
  out[end] = 0x5d;
  return end + 1;
}

/** bufferToJsonBytes as a string. */
export function bufferToJsonText(data: ArrayBuffer, datatype: TensorDataType): string {
  return bufferToJsonBytes(data, datatype).toString('latin1');
}

function writeValues(out: Buffer, pos: number, data: ArrayBuffer, datatype: TensorDataType, count: number): number {
  switch (datatype) {
    case 'BOOL': {
      const view = new Uint8Array(data);
      for (let i = 0; i < count; i++) {
        if (i > 0) out[pos++] = COMMA;
        const word = view[i] ? TRUE : FALSE;
        for (let j = 0; j < word.length; j++) out[pos++] = word[j];
      }
      return pos;
    }
    case 'FP16':
      return writeHalves(out, pos, new Uint16Array(data));
    case 'FP32': {
      const view = new Float32Array(data);
      for (let i = 0; i < count; i++) {
        if (i > 0) out[pos++] = COMMA;
        pos = writeFloat32(out, pos, view[i]);
      }
      return pos;
    }
    case 'FP64':
      // shortest round-trip printing of a double is String()'s job: one native write for all of them
      return pos + out.write(Array.from(new Float64Array(data), float64Text).join(','), pos, 'latin1');
    case 'INT64':
    case 'UINT64':
      return writeInt64s(out, pos, data, datatype === 'INT64', count);
    default: {
      const view = smallIntView(datatype, data);
      for (let i = 0; i < count; i++) {
        if (i > 0) out[pos++] = COMMA;
        pos = writeInt(out, pos, view[i]);
      }
      return pos;
    }
  }
}

function float64Text(v: number): string {
  if (v !== v || v === Infinity || v === -Infinity) return 'null';
  return Object.is(v, -0) ? '-0' : String(v);
}

/** 64-bit integers: exact through their 32-bit halves while they are safe JS integers, else BigInt. */
function writeInt64s(out: Buffer, pos: number, data: ArrayBuffer, signed: boolean, count: number): number {
  const words = new Uint32Array(data);
  const big = signed ? new BigInt64Array(data) : new BigUint64Array(data);
  for (let i = 0; i < count; i++) {
    if (i > 0) out[pos++] = COMMA;
    const low = words[2 * i];
    let high = words[2 * i + 1];
    if (signed && high >= 0x80000000) high -= 0x100000000; // two's complement high word
    if (high >= -0x200000 && high < 0x200000) pos = writeInt(out, pos, high * 0x100000000 + low);
    else pos = writeAscii(out, pos, big[i].toString());
  }
  return pos;
}

let halfTable: { bytes: Uint8Array; start: Uint32Array } | undefined;

/** Every binary16 value's JSON text, computed once: FP16 printing becomes a copy. */
function halves(): { bytes: Uint8Array; start: Uint32Array } {
  if (halfTable) return halfTable;
  const start = new Uint32Array(65537);
  const texts: string[] = [];
  for (let bits = 0; bits < 65536; bits++) {
    const v = halfBitsToFloat(bits);
    const text = !Number.isFinite(v) ? 'null' : Object.is(v, -0) ? '-0' : String(v);
    texts.push(text);
    start[bits + 1] = start[bits] + text.length;
  }
  halfTable = { bytes: Buffer.from(texts.join(''), 'latin1'), start };
  return halfTable;
}

function writeHalves(out: Buffer, pos: number, view: Uint16Array): number {
  const { bytes, start } = halves();
  for (let i = 0; i < view.length; i++) {
    if (i > 0) out[pos++] = COMMA;
    const from = start[view[i]];
    const to = start[view[i] + 1];
    for (let j = from; j < to; j++) out[pos++] = bytes[j];
  }
  return pos;
}
