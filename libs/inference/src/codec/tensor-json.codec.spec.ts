import { InvalidRequestError, type TensorDataType } from '@switchyard/common';
import { flattenJsonData, jsonValuesToBuffer } from './tensor-json.codec';
import { bufferToJsonText } from './tensor-json.encoder';

/** Expected little-endian bytes, written with DataView (independent of the typed-array code). */
function expectedBytes(datatype: TensorDataType, values: Array<number | boolean>): Uint8Array {
  const size = (
    { BOOL: 1, INT8: 1, UINT8: 1, INT16: 2, UINT16: 2, FP16: 2, INT32: 4, UINT32: 4, FP32: 4, INT64: 8, UINT64: 8, FP64: 8 } as Record<
      string,
      number
    >
  )[datatype];
  const view = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((v, i) => {
    const n = Number(v);
    const at = i * size;
    switch (datatype) {
      case 'BOOL':
        return view.setUint8(at, v ? 1 : 0);
      case 'INT8':
        return view.setInt8(at, n);
      case 'UINT8':
        return view.setUint8(at, n);
      case 'INT16':
        return view.setInt16(at, n, true);
      case 'UINT16':
        return view.setUint16(at, n, true);
      case 'INT32':
        return view.setInt32(at, n, true);
      case 'UINT32':
        return view.setUint32(at, n, true);
      case 'INT64':
        return view.setBigInt64(at, BigInt(n), true);
      case 'UINT64':
        return view.setBigUint64(at, BigInt(n), true);
      case 'FP32':
        return view.setFloat32(at, n, true);
      case 'FP64':
        return view.setFloat64(at, n, true);
      case 'FP16':
        return view.setUint16(at, HALVES.get(n)!, true);
    }
  });
  return new Uint8Array(view.buffer);
}

/** Exactly representable FP16 values and their bits (IEEE 754 binary16 by hand). */
const HALVES = new Map<number, number>([
  [0, 0x0000],
  [1, 0x3c00],
  [-2, 0xc000],
  [0.5, 0x3800],
  [65504, 0x7bff],
  [2 ** -24, 0x0001],
  [-1.5, 0xbe00],
]);

const ROUND_TRIPS: Array<[TensorDataType, Array<number | boolean>]> = [
  ['BOOL', [true, false, true]],
  ['INT8', [-128, 0, 127]],
  ['UINT8', [0, 1, 255]],
  ['INT16', [-32768, 7, 32767]],
  ['UINT16', [0, 65535]],
  ['INT32', [-(2 ** 31), 0, 2 ** 31 - 1]],
  ['UINT32', [0, 2 ** 32 - 1]],
  ['INT64', [Number.MIN_SAFE_INTEGER, -1, 0, Number.MAX_SAFE_INTEGER]],
  ['UINT64', [0, 1, Number.MAX_SAFE_INTEGER]],
  ['FP16', [...HALVES.keys()]],
  ['FP32', [0, 1.5, -2.25, 3.4028234663852886e38, 1.401298464324817e-45]],
  ['FP64', [0, Math.PI, -1e-300, Number.MAX_VALUE]],
];

describe('tensor JSON codec', () => {
  it.each(ROUND_TRIPS)('writes %s values as little-endian bytes and reads them back', (datatype, values) => {
    const buffer = jsonValuesToBuffer(values, datatype, 'x');
    const bytes = expectedBytes(datatype, values);
    expect(new Uint8Array(buffer)).toEqual(bytes);
    const parsed = JSON.parse(bufferToJsonText(buffer, datatype));
    // Floats print with the digits of their own precision: same bits, maybe shorter text.
    expect(new Uint8Array(jsonValuesToBuffer(parsed, datatype, 'x'))).toEqual(bytes);
    if (datatype !== 'FP32') expect(parsed).toEqual(values);
  });

  it.each(ROUND_TRIPS)('writes every byte of %s into a recycled (dirty) buffer', (datatype, values) => {
    const dirty = (n: number) => {
      const buffer = new ArrayBuffer(n);
      new Uint8Array(buffer).fill(0xff);
      return buffer;
    };
    expect(new Uint8Array(jsonValuesToBuffer(values, datatype, 'x', dirty))).toEqual(expectedBytes(datatype, values));
  });

  it('keeps the 9 significant digits that round-trip FP32', () => {
    const value = Math.fround(0.1);
    const text = bufferToJsonText(jsonValuesToBuffer([0.1], 'FP32', 'x'), 'FP32');
    expect(text).toBe('[0.100000001]');
    expect(Math.fround(JSON.parse(text)[0])).toBe(value);
  });

  it('rounds FP16 input to the nearest half and prints the half exactly', () => {
    const buffer = jsonValuesToBuffer([0.1, 1 / 3], 'FP16', 'x');
    expect([...new Uint16Array(buffer)]).toEqual([0x2e66, 0x3555]);
    expect(bufferToJsonText(buffer, 'FP16')).toBe('[0.0999755859375,0.333251953125]');
  });

  it('prints INT64 beyond the safe range exactly', () => {
    const buffer = new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]).buffer;
    expect(bufferToJsonText(buffer, 'INT64')).toBe('[-9223372036854775808,9223372036854775807]');
    expect(bufferToJsonText(new BigUint64Array([2n ** 64n - 1n]).buffer, 'UINT64')).toBe('[18446744073709551615]');
  });

  it('prints non-finite floats as null, which JSON can hold', () => {
    expect(bufferToJsonText(new Float32Array([NaN, Infinity, -0]).buffer, 'FP32')).toBe('[null,null,-0]');
  });

  it('accepts 0/1 for BOOL', () => {
    expect([...new Uint8Array(jsonValuesToBuffer([1, 0, true], 'BOOL', 'x'))]).toEqual([1, 0, 1]);
  });

  it.each([
    ['INT8', 128],
    ['INT8', -129],
    ['UINT8', -1],
    ['UINT16', 65536],
    ['INT32', 1.5],
    ['INT32', 2 ** 31],
    ['UINT32', -1],
    ['INT64', 2 ** 53],
    ['UINT64', -1],
    ['INT32', '7'],
    ['FP32', '1.0'],
    ['FP32', null],
    ['FP16', true],
    ['FP64', {}],
    ['BOOL', 'true'],
    ['BOOL', 2],
  ] as Array<[TensorDataType, unknown]>)('refuses %s value %j with a 400 naming the element', (datatype, value) => {
    const run = () => jsonValuesToBuffer([0, value], datatype === 'BOOL' ? 'BOOL' : datatype, 'in0');
    expect(run).toThrow(InvalidRequestError);
    expect(run).toThrow(`input 'in0': data[1]`);
    expect(run).toThrow(`not a valid ${datatype} value`);
  });

  describe(flattenJsonData.name, () => {
    it('returns a flat array as it is', () => {
      const flat = [1, 2, 3];
      expect(flattenJsonData(flat, 1, 'x')).toBe(flat);
    });

    it('flattens nested row-major data', () => {
      expect(
        flattenJsonData(
          [
            [
              [1, 2],
              [3, 4],
            ],
            [
              [5, 6],
              [7, 8],
            ],
          ],
          3,
          'x',
        ),
      ).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    });

    it('refuses nesting deeper than the rank, without recursion', () => {
      let deep: unknown[] = [1];
      for (let i = 0; i < 100_000; i++) deep = [deep];
      expect(() => flattenJsonData(deep, 4, 'x')).toThrow("nested deeper than the tensor's rank 4");
    });
  });
});
