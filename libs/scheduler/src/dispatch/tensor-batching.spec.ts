import type { TensorDataType, WireTensor } from '@switchyard/common';
import { batchSignature, mergeInputs, rowBytes, splitOutputs } from './tensor-batching';

/** A tensor whose element i (row-major) has value start + i, written with the dtype's own view. */
function tensor(name: string, datatype: TensorDataType, shape: number[], start: number): WireTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, i) => start + i);
  return { name, datatype, shape, data: encode(datatype, values) };
}

function encode(datatype: TensorDataType, values: number[]): ArrayBuffer {
  switch (datatype) {
    case 'FP32':
      return Float32Array.from(values).buffer;
    case 'INT64':
      return BigInt64Array.from(values.map((v) => BigInt(v))).buffer;
    case 'FP16':
      return Uint16Array.from(values).buffer; // raw binary16 bit patterns: copied, never interpreted
    case 'INT8':
      return Int8Array.from(values.map((v) => (v % 200) - 100)).buffer;
    case 'BOOL':
      return Uint8Array.from(values.map((v) => v % 2)).buffer;
    default:
      throw new Error(`no encoder for ${datatype}`);
  }
}

function decode(t: WireTensor): number[] {
  switch (t.datatype) {
    case 'FP32':
      return [...new Float32Array(t.data)];
    case 'INT64':
      return [...new BigInt64Array(t.data)].map(Number);
    case 'FP16':
      return [...new Uint16Array(t.data)];
    case 'INT8':
      return [...new Int8Array(t.data)];
    case 'BOOL':
      return [...new Uint8Array(t.data)];
    default:
      throw new Error(`no decoder for ${t.datatype}`);
  }
}

describe('tensor batching', () => {
  it.each([
    ['BOOL', 1],
    ['INT8', 1],
    ['FP16', 2],
    ['FP32', 4],
    ['INT64', 8],
  ] as const)('computes row bytes of %s as elements x %d', (dtype, bytes) => {
    expect(rowBytes({ datatype: dtype, shape: [5, 3, 2] })).toBe(6 * bytes);
  });

  it.each(['BOOL', 'INT8', 'FP16', 'FP32', 'INT64'] as const)('merges %s requests along dim 0 and splits them back unchanged', (dtype) => {
    const requests = [
      [tensor('a', dtype, [2, 3], 0), tensor('b', 'FP32', [2, 1], 500)],
      [tensor('b', 'FP32', [1, 1], 600), tensor('a', dtype, [1, 3], 100)],
      [tensor('a', dtype, [4, 3], 200), tensor('b', 'FP32', [4, 1], 700)],
    ];
    const expectedA = requests.flatMap((r) => decode(r.find((t) => t.name === 'a')!));

    const merged = mergeInputs(requests);

    const a = merged.find((t) => t.name === 'a')!;
    expect(a.shape).toEqual([7, 3]);
    expect(a.data.byteLength).toBe(7 * rowBytes(a));
    expect(decode(a)).toEqual(expectedA);
    expect(decode(merged.find((t) => t.name === 'b')!)).toEqual([500, 501, 600, 700, 701, 702, 703]);

    const parts = splitOutputs(merged, [2, 1, 4]);
    parts.forEach((outputs, i) => {
      for (const out of outputs) {
        const original = requests[i].find((t) => t.name === out.name)!;
        expect(out.shape).toEqual(original.shape);
        expect(decode(out)).toEqual(decode(original));
      }
    });
  });

  it('refuses to split an output whose dim 0 is not the batch rows', () => {
    expect(() => splitOutputs([tensor('o', 'FP32', [3, 2], 0)], [2, 2])).toThrow('dim 0 is 3, the batch had 4 rows');
  });

  it('gives compatible requests the same signature whatever their rows or input order', () => {
    const one = batchSignature([tensor('a', 'FP32', [1, 16], 0), tensor('b', 'INT64', [1, 2], 0)], ['y', 'x']);
    const two = batchSignature([tensor('b', 'INT64', [5, 2], 0), tensor('a', 'FP32', [5, 16], 0)], ['x', 'y']);
    expect(one).toBe(two);
  });

  it.each([
    ['another non-batch shape', [tensor('a', 'FP32', [1, 8], 0)], undefined],
    ['another dtype', [tensor('a', 'FP16', [1, 16], 0)], undefined],
    ['other outputs', [tensor('a', 'FP32', [1, 16], 0)], ['x']],
  ])('separates requests with %s', (_what, inputs, outputs) => {
    expect(batchSignature(inputs, outputs)).not.toBe(batchSignature([tensor('a', 'FP32', [1, 16], 0)], undefined));
  });
});
